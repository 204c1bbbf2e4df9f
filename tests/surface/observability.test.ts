// Request ids, log lines and /metrics, in-process: every answer (errors included) carries an
// id and gets one log line with the route pattern and the login, never the token; the
// metrics document counts what was served and reads the database, the sync and the process.
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { hashToken } from "../../src/auth/tokens.ts";
import { serveCommand } from "../../src/config/commands.ts";
import { configurationInEffect, serveConfig } from "../../src/config/index.ts";
import { parseOptions } from "../../src/config/options.ts";
import type { AppOptions } from "../../src/http/app.ts";
import { escapeLabelValue } from "../../src/observability/exposition.ts";
import { HttpMetrics } from "../../src/observability/http-metrics.ts";
import { createLogger, stdoutLogger } from "../../src/observability/logger.ts";
import type { RequestLine } from "../../src/observability/logger.ts";
import type { LogLevel } from "../../src/observability/logger.ts";
import { streamSink } from "../../src/observability/log-sink.ts";
import { TableRows } from "../../src/observability/table-rows.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import type { BunOpenedDatabase } from "../../src/runtime/bun/database.ts";
import type { SyncFacts } from "../../src/observability/service-metrics.ts";
import type { SyncOptions, SyncStatus } from "../../src/sync/index.ts";
import { testApp } from "../support/app.ts";
import { oracle, seededDatabase } from "../support/db.ts";

let sql: Database;
let opened: BunOpenedDatabase;
beforeAll(async () => {
  sql = await oracle();
  opened = openDatabaseFile(await seededDatabase());
});

async function observedApp(extra: Partial<AppOptions> = {}, level: LogLevel = "debug") {
  const lines: string[] = [];
  const logger = createLogger({ level, format: "json", sink: { write: (l) => lines.push(l), flush() {} } });
  const metrics = new HttpMetrics();
  const { req } = await testApp({ logger, metrics, database: opened.db, ...extra });
  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { req, lines, logged, metrics };
}

const runsRoute = "/api/v1/repos/:owner/:repo/actions/runs";

describe("X-Request-Id", () => {
  const answers: [string, { token?: string; method?: string }, number][] = [
    ["/api/v1/repos/alice/hello-world/actions/runs", { token: "demo_alice_repo" }, 200],
    ["/api/v1/repos/alice/hello-world/actions/runs", {}, 401],
    ["/api/v1/repos/alice/hello-world/actions/runs", { token: "demo_alice_user" }, 403],
    ["/api/v1/repos/alice/secret-project/actions/runs", { token: "demo_frank_read" }, 404],
    ["/api/v1/repos/alice/hello-world/actions/runs?per_page=abc", { token: "demo_alice_repo" }, 422],
    ["/api/v1/repos/alice/hello-world/actions/runs", { token: "demo_alice_repo", method: "POST" }, 405],
    ["/no/such/path", {}, 404],
    ["/api/v3/repos/alice/hello-world/actions/runs", { token: "demo_alice_repo", method: "HEAD" }, 200],
    ["/metrics", {}, 200],
  ];
  test("every answer carries one, errors included, and each is different", async () => {
    const { req } = await observedApp();
    const ids = new Set<string>();
    for (const [path, opts, status] of answers) {
      const res = await req(path, opts);
      expect(res.status).toBe(status);
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
      ids.add(id!);
    }
    expect(ids.size).toBe(answers.length);
  });

  test("a caller's own id is kept when it is plain and short; anything else is replaced", async () => {
    const { req } = await observedApp();
    for (const own of ["abc-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "trace:1/2+3=4@x"]) {
      expect((await req("/healthz", { headers: { "x-request-id": own } })).headers.get("x-request-id")).toBe(own);
    }
    for (const bad of ["", "a b", "x".repeat(129), "<script>", "id\u00e9", "a\"b", "a,b"]) {
      const got = (await req("/healthz", { headers: { "x-request-id": bad } })).headers.get("x-request-id");
      expect(got).not.toBe(bad);
      expect(got).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    }
  });
});

describe("one log line per request", () => {
  test("method, route pattern, status, duration, request id and login; never the token nor its hash", async () => {
    const { req, lines, logged } = await observedApp();
    const tokens = ["demo_alice_repo", "demo_frank_read", "demo_alice_expired", "not-a-token"];
    const ids: string[] = [];
    for (const token of tokens) ids.push((await req("/api/v1/repos/alice/secret-project/actions/runs/1/jobs", { token })).headers.get("x-request-id")!);
    ids.push((await req("/nowhere")).headers.get("x-request-id")!);
    const entries = logged();
    expect(entries).toHaveLength(5);
    expect(entries.map((e) => e.request_id)).toEqual(ids);
    expect(entries.map((e) => e.login)).toEqual(["alice", "frank", null, null, null]);
    expect(entries.map((e) => e.route)).toEqual([...tokens.map(() => "/api/v1/repos/:owner/:repo/actions/runs/:run_id/jobs"), null]);
    // Run 1 is alice/secret-project's: alice reads it, frank gets the 404 of nothing.
    expect(entries.map((e) => e.status)).toEqual([200, 404, 401, 401, 404]);
    for (const e of entries) {
      expect(e).toMatchObject({ level: "info", event: "request", method: "GET" });
      expect(typeof e.duration_ms).toBe("number");
      expect(e.duration_ms as number).toBeGreaterThanOrEqual(0);
      expect(Date.parse(e.time as string)).toBeGreaterThan(0);
    }
    const all = lines.join("\n");
    for (const token of tokens) {
      expect(all).not.toContain(token);
      expect(all).not.toContain(hashToken(token));
    }
  });

  test("probes log at debug, failures of the service at warn; the level filters", async () => {
    const quiet = await observedApp({}, "info");
    await quiet.req("/healthz");
    await quiet.req("/metrics");
    expect(quiet.lines).toHaveLength(0);
    const warnOnly = await observedApp({}, "warn");
    await warnOnly.req("/api/v1/repos/alice/hello-world/actions/runs", { token: "demo_alice_repo" });
    expect(warnOnly.lines).toHaveLength(0);
    const debug = await observedApp({}, "debug");
    await debug.req("/healthz");
    expect(debug.logged()[0]).toMatchObject({ level: "debug", route: "/healthz", status: 200 });
  });

  test("text lines for a terminal, JSON otherwise; events pick their level; the sync can log through it", () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) };
    const fromFlags = (argv: string[], env: Record<string, string> = {}) => serveConfig(argv, env).log;
    const text = stdoutLogger(fromFlags([]).level, fromFlags([]).format, tty);
    text.log("sync_source_down", { previous: "following", error: "connection refused" });
    expect(written.join("")).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  sync_source_down previous=following error="connection refused"\n$/);
    written.length = 0;
    const warn = fromFlags(["--log-level", "warn"]);
    const json = stdoutLogger(warn.level, warn.format, { isTTY: false, write: (s: string) => written.push(s) });
    json.log("sync_following", { previous: "loading" });
    json.log("sync_failing", { error: "disk full" });
    expect(written.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: "error", event: "sync_failing", error: "disk full" })]);
    // The sync takes the logger's Log as it is.
    const forTheSync: SyncOptions["log"] = json.log;
    expect(typeof forTheSync).toBe("function");
    expect(() => fromFlags(["--log-level", "loud"])).toThrow("--log-level must be one of debug, info, warn, error");
    expect(() => fromFlags([], { ACTIONS_RUNS_LOG_FORMAT: "xml" })).toThrow("--log-format must be auto, json or text");
  });

  test("a request line is the same line, key for key, as the general logger would write (a worker's too)", () => {
    for (const worker of [undefined, 3, "supervisor"] as const) {
      const lines: string[] = [];
      const logger = createLogger({ level: "debug", format: "json", sink: { write: (l) => lines.push(l), flush() {} }, worker });
      const cases: RequestLine[] = [
        { method: "GET", route: "/api/v3/repos/:owner/:repo/actions/runs", status: 304, duration_ms: 0.012, request_id: "abc-1", login: "alice" },
        { method: "DELETE", route: null, status: 429, duration_ms: 12, request_id: 'odd "id"\n\u2028', login: null, limited: "burst" },
        { method: "GET", route: "/x", status: 200, duration_ms: Number.NaN, request_id: "r", login: "ünïcödé", limited: undefined },
      ];
      for (const line of cases) {
        logger.request("info", line.method, line.route, line.status, line.duration_ms, line.request_id, line.login, line.limited ?? null);
        logger.at("info", "request", { ...line });
        const [fast, general] = lines.splice(0).map((l) => l.replace(/^\{"time":"[^"]+"/, ""));
        expect(fast).toBe(general!);
        const parsed = JSON.parse(`{"time":"t"${fast}`) as Record<string, unknown>;
        expect(parsed).toMatchObject({ event: "request", status: line.status });
        expect(parsed.worker).toBe(worker);
        // The worker comes right after the event's name.
        if (worker !== undefined) expect(Object.keys(parsed).slice(2, 4)).toEqual(["event", "worker"]);
      }
    }
  });

  test("a worker's text lines name it too", () => {
    const written: string[] = [];
    const logger = stdoutLogger("info", "text", { isTTY: true, write: (s: string) => written.push(s) }, 1);
    logger.log("draining", { signal: "SIGTERM" });
    expect(written.join("")).toMatch(/ INFO  draining worker=1 signal=SIGTERM\n$/);
  });

  test("request lines are written together, within the flush interval or when asked", async () => {
    const chunks: string[] = [];
    const sink = streamSink({ write: (c: string) => chunks.push(c) }, 20);
    sink.write("a");
    sink.write("b");
    await new Promise((r) => setImmediate(r));
    expect(chunks).toEqual([]);
    await Bun.sleep(40);
    expect(chunks).toEqual(["a\nb\n"]);
    sink.write("c");
    sink.flush();
    expect(chunks).toEqual(["a\nb\n", "c\n"]);
    // 64 KiB waiting are written at once.
    const long = "x".repeat(1024);
    for (let i = 0; i < 64; i++) sink.write(long);
    expect(chunks.length).toBe(3);
  });
});

describe("the start-up line's configuration", () => {
  test("every flag's value, with a sync URL's password and token parameters masked", () => {
    const opts = parseOptions(serveCommand, ["--sync-from", "postgres://reader:s3cr%40t@db.internal:5432/forge?sslpassword=hunter2&application_name=x", "--port", "9000"], {});
    const config = configurationInEffect(serveCommand, opts);
    const text = JSON.stringify(config);
    expect(text).not.toContain("s3cr");
    expect(text).not.toContain("hunter2");
    expect(config["sync-from"]).toBe("postgres://reader:***@db.internal:5432/forge?sslpassword=***&application_name=x");
    expect(config).toMatchObject({ port: 9000, "rate-limit": 5000, "log-level": "info", "request-timeout": 10, db: null });
    expect(config).not.toHaveProperty("help");
  });
});

function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe("/metrics", () => {
  test("Prometheus text: request counts and latency histograms by route pattern and status", async () => {
    const { req } = await observedApp();
    for (let i = 0; i < 3; i++) await req("/api/v1/repos/alice/hello-world/actions/runs?per_page=2", { token: "demo_alice_repo" });
    await req("/api/v1/repos/octo-org/platform/actions/runs", { token: "demo_carol_read" });
    await req("/api/v1/repos/alice/hello-world/actions/runs");
    await req("/zzz");
    const res = await req("/metrics");
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const m = parseExposition(text);
    expect(m.get(`actions_runs_http_requests_total{route="${runsRoute}",status="200"}`)).toBe(4);
    expect(m.get(`actions_runs_http_requests_total{route="${runsRoute}",status="401"}`)).toBe(1);
    expect(m.get(`actions_runs_http_requests_total{route="unmatched",status="404"}`)).toBe(1);
    // Cumulative buckets, +Inf equal to the count, a positive sum.
    const buckets = [...m].filter(([k]) => k.startsWith(`actions_runs_http_request_duration_seconds_bucket{route="${runsRoute}",status="200"`)).map(([, v]) => v);
    expect(buckets).toHaveLength(15);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets.at(-1)).toBe(4);
    expect(m.get(`actions_runs_http_request_duration_seconds_count{route="${runsRoute}",status="200"}`)).toBe(4);
    expect(m.get(`actions_runs_http_request_duration_seconds_sum{route="${runsRoute}",status="200"}`)!).toBeGreaterThan(0);
    for (const name of ["process_resident_memory_bytes", "actions_runs_js_heap_used_bytes", "actions_runs_database_size_bytes"]) expect(m.get(name)!).toBeGreaterThan(0);
    expect(text).toContain("# TYPE actions_runs_http_request_duration_seconds histogram");
    expect(text).not.toContain("actions_runs_sync_");
  });

  test("a worker of serve --workers labels every sample with its number, and says how many workers there are", async () => {
    const { req } = await observedApp({ worker: { number: 1, workers: 3 } });
    await req("/api/v1/repos/alice/hello-world/actions/runs?per_page=2", { token: "demo_alice_repo" });
    const text = await (await req("/metrics")).text();
    const samples = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(samples.filter((l) => !/^[a-z_]+\{worker="1"[,}]/.test(l))).toEqual([]);
    const m = parseExposition(text);
    expect(m.get(`actions_runs_workers{worker="1"}`)).toBe(3);
    expect(m.get(`actions_runs_http_requests_total{worker="1",route="${runsRoute}",status="200"}`)).toBe(1);
    // One process alone: no label, no workers figure.
    expect(await (await (await observedApp()).req("/metrics")).text()).not.toMatch(/worker/);
  });

  test("rows per table, counted in the background, match count(*)", async () => {
    const { req } = await observedApp();
    // The first scrape starts the count (not start-up: on a large file it is seconds of CPU);
    // a later scrape, once it has finished, shows it.
    const first = parseExposition(await (await req("/metrics")).text());
    expect(first.get(`actions_runs_table_rows{table="workflow_runs"}`)).toBeUndefined();
    await Bun.sleep(50);
    const m = parseExposition(await (await req("/metrics")).text());
    for (const table of ["accounts", "repositories", "workflow_runs", "workflow_jobs", "workflow_steps", "org_members", "repo_collaborators"]) {
      const want = sql.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
      expect(m.get(`actions_runs_table_rows{table="${table}"}`)).toBe(want);
    }
  });

  test("the walk over a table in slices counts every row, single and composite keys alike", async () => {
    const rows = new TableRows(opened.db, { sliceRows: 97, pause: () => Promise.resolve() });
    const counts = await rows.countAll();
    for (const [table, n] of counts) expect(n).toBe(sql.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n);
    expect(counts.get("workflow_steps")!).toBeGreaterThan(100);
  });

  test("the sync's lag and last batch, only when there is a sync", async () => {
    const lastBatchAt = Date.now() - 1500;
    // The sync's own status() plugs in as it is.
    const status: SyncStatus = {
      state: "following", since: Date.now() - 60_000, lastBatchAt, dataAsOf: Date.now() - 250, lagMs: 250, fresh: true,
      rowsApplied: 42, polls: 300, load: null, lastError: null, lastPollAt: Date.now() - 100, source: null, position: null,
    };
    const syncStatus: () => SyncFacts | null = () => status;
    const { req } = await observedApp({ syncStatus });
    const m = parseExposition(await (await req("/metrics")).text());
    expect(m.get("actions_runs_sync_lag_seconds")).toBe(0.25);
    expect(m.get("actions_runs_sync_last_batch_timestamp_seconds")).toBe(lastBatchAt / 1000);
    expect(m.get(`actions_runs_sync_state{state="following"}`)).toBe(1);
    expect(m.get("actions_runs_sync_rows_applied_total")).toBe(42);
    const before = await observedApp({ syncStatus: () => ({ state: "loading", lagMs: null, lastBatchAt: null, rowsApplied: 0 }) });
    const text = await (await before.req("/metrics")).text();
    expect(text).toContain(`actions_runs_sync_state{state="loading"} 1`);
    expect(text).not.toContain("actions_runs_sync_lag_seconds");
  });

  test("label values are escaped", () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
