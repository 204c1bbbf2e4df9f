// Several workers' /metrics as one exposition: each family once, every worker's samples under it.
import { expect, test } from "bun:test";
import { Exposition, mergeExpositions } from "../../src/observability/exposition.ts";

const worker = (n: number, requests: number, withSync: boolean) => {
  const out = new Exposition({ worker: String(n) });
  out.family("requests_total", "counter", "Requests.").sample("requests_total", requests, { route: "/a" }).sample("requests_total", 1, { route: "/b" });
  if (withSync) out.family("sync_lag_seconds", "gauge", "Lag.").sample("sync_lag_seconds", 0.1);
  out.family("duration_seconds", "histogram", "Durations.")
    .sample("duration_seconds_bucket", 1, { le: "+Inf" }).sample("duration_seconds_sum", 0.5).sample("duration_seconds_count", 1);
  return out.toString();
};

test("each family's HELP and TYPE once, then the samples of every worker in turn", () => {
  expect(mergeExpositions([worker(0, 3, true), worker(1, 5, false)])).toBe([
    "# HELP requests_total Requests.",
    "# TYPE requests_total counter",
    'requests_total{worker="0",route="/a"} 3',
    'requests_total{worker="0",route="/b"} 1',
    'requests_total{worker="1",route="/a"} 5',
    'requests_total{worker="1",route="/b"} 1',
    "# HELP sync_lag_seconds Lag.",
    "# TYPE sync_lag_seconds gauge",
    'sync_lag_seconds{worker="0"} 0.1',
    "# HELP duration_seconds Durations.",
    "# TYPE duration_seconds histogram",
    'duration_seconds_bucket{worker="0",le="+Inf"} 1',
    'duration_seconds_sum{worker="0"} 0.5',
    'duration_seconds_count{worker="0"} 1',
    'duration_seconds_bucket{worker="1",le="+Inf"} 1',
    'duration_seconds_sum{worker="1"} 0.5',
    'duration_seconds_count{worker="1"} 1',
    "",
  ].join("\n"));
});

test("a family only a later worker has is kept, and one text is itself", () => {
  const merged = mergeExpositions([worker(0, 1, false), worker(1, 1, true)]);
  expect(merged).toContain('# TYPE sync_lag_seconds gauge\nsync_lag_seconds{worker="1"} 0.1\n');
  expect(merged.match(/^# TYPE /gm)!.length).toBe(3);
  expect(mergeExpositions([worker(0, 2, true)])).toBe(worker(0, 2, true));
  expect(mergeExpositions([])).toBe("");
});
