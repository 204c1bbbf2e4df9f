// Request counts and latencies by route pattern and status, kept as fixed bucket arrays:
// recording a request is two map lookups and a short scan, with nothing allocated once a
// route/status pair has been seen. Route patterns come from the router, so the label set
// stays small however the paths vary.
import type { Exposition } from "./exposition.ts";

/** Upper bounds of the latency buckets, in seconds. */
export const latencyBuckets: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request that matched no route (or was turned away before routing). */
export const unmatchedRoute = "unmatched";

interface Series {
  count: number;
  sumSeconds: number;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  buckets: Float64Array;
}

export type RejectionReason = "hourly" | "burst" | "concurrency" | "url_too_long" | "headers_too_large" | "timeout" | "malformed";

export class HttpMetrics {
  private readonly byRoute = new Map<string, Map<number, Series>>();
  private readonly rejections = new Map<RejectionReason, number>();
  inFlight = 0;

  observe(route: string, status: number, seconds: number): void {
    let byStatus = this.byRoute.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.byRoute.set(route, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = { count: 0, sumSeconds: 0, buckets: new Float64Array(latencyBuckets.length + 1) };
      byStatus.set(status, series);
    }
    series.count++;
    series.sumSeconds += seconds;
    let i = 0;
    while (i < latencyBuckets.length && seconds > latencyBuckets[i]!) i++;
    series.buckets[i]!++;
  }

  rejected(reason: RejectionReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }

  /** Total requests seen for a route and status (tests and the soak read this). */
  count(route: string, status: number): number {
    return this.byRoute.get(route)?.get(status)?.count ?? 0;
  }

  writeTo(out: Exposition): void {
    out.family("actions_runs_http_requests_total", "counter", "HTTP requests answered, by route pattern and status.");
    for (const [route, byStatus] of this.byRoute) {
      for (const [status, series] of byStatus) out.sample("actions_runs_http_requests_total", series.count, { route, status: String(status) });
    }
    out.family("actions_runs_http_request_duration_seconds", "histogram", "Time from receiving a request to having its response, by route pattern and status.");
    for (const [route, byStatus] of this.byRoute) {
      for (const [status, series] of byStatus) {
        const code = String(status);
        let cumulative = 0;
        for (let i = 0; i < latencyBuckets.length; i++) {
          cumulative += series.buckets[i]!;
          out.sample("actions_runs_http_request_duration_seconds_bucket", cumulative, { route, status: code, le: String(latencyBuckets[i]) });
        }
        out.sample("actions_runs_http_request_duration_seconds_bucket", series.count, { route, status: code, le: "+Inf" });
        out.sample("actions_runs_http_request_duration_seconds_sum", series.sumSeconds, { route, status: code });
        out.sample("actions_runs_http_request_duration_seconds_count", series.count, { route, status: code });
      }
    }
    out.family("actions_runs_http_requests_in_flight", "gauge", "Requests being worked on now.");
    out.sample("actions_runs_http_requests_in_flight", this.inFlight);
    out.family("actions_runs_http_requests_rejected_total", "counter", "Requests turned away by a limit, by which limit.");
    for (const [reason, n] of this.rejections) out.sample("actions_runs_http_requests_rejected_total", n, { reason });
  }
}
