// npm run bench: the compiled executable on a seeded million-run database, side by side in
// the same run with two references — Bun.serve returning the same bytes from memory (the
// ceiling of any Bun service) and the same pages answered from the forge's PostgreSQL —
// under wrk, for the workloads that poll this API. Ratios to the ceiling are what compare
// across machines.
//
//   npm run bench -- [--repos 1100] [--runs 1000000] [--seconds 6] [--rounds 3] [--connections 16]
//                    [--change-every 200] [--no-postgres] [--only TEXT] [--deno] [--workers N]
//
// Each workload runs in rounds of --seconds on each target, a round loading the ceiling, the
// service (on unchanged data, then while a writer commits to its file every --change-every ms,
// as the sync does on a busy forge), the service remembering nothing, and PostgreSQL one after
// the other, so that a slower or busier stretch of the machine falls on all of them alike; a
// ratio is the median of its rounds' ratios. --only keeps the workloads whose name contains
// TEXT (e.g. --only "one run"; --only mixed for the mixed workload alone).
//
// The mixed workload (bench/mixed.ts) asks for thousands of URLs over every repository, one at
// random per request, on unchanged data, while one run changes every --change-every ms, and
// while ten repositories do; its ceiling serves each URL's recorded bytes. Every service above
// runs as one process (--workers 1); the mixed workload is also measured, in the same rounds,
// against `serve --workers N` (default: the machine's cores) under the same four conditions.
// --deno adds the same service under Deno (src/main-deno.ts),
// remembering answers and not, to each round: its ratios to the executable's on the same workloads.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startCeiling } from "./ceiling.ts";
import { mixedWorkload } from "./mixed.ts";
import { timeStart } from "./startup.ts";
import type { Recorded } from "./ceiling.ts";
import { startPostgresReference } from "./pg-reference.ts";
import { startServeProcess } from "../tests/support/serve-process.ts";
import { wrk } from "./wrk.ts";
import type { LoadResult } from "./wrk.ts";

// Per-token rate limits would turn a load test into a test of the limiter; the limiter's
// bookkeeping still runs on every request.
const unlimited = ["--rate-limit", "0", "--rate-limit-per-minute", "0", "--max-concurrent", "100000"];

const { values: args } = parseArgs({
  options: {
    // 1,100: the mixed workload spans every repository with Actions enabled, over 1,000 of them.
    repos: { type: "string", default: "1100" },
    runs: { type: "string", default: "1000000" },
    seconds: { type: "string", default: "6" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    "change-every": { type: "string", default: "200" },
    "no-postgres": { type: "boolean", default: false },
    only: { type: "string" },
    deno: { type: "boolean", default: false },
    workers: { type: "string", default: String(availableParallelism()) },
  },
});
const workerCount = Math.max(2, Number(args.workers));
const repos = Number(args.repos);
const runs = Number(args.runs);
const rounds = Math.max(1, Number(args.rounds));
const load = { connections: Number(args.connections), threads: 2, seconds: Math.max(1, Number(args.seconds)) };
const work = join(import.meta.dir, "..", ".bench");
mkdirSync(work, { recursive: true });
const token = "demo_alice_repo";
const auth = { authorization: `token ${token}` };
// What every request of the load carries, as gh sends it: a token, and gzip accepted.
const client = { ...auth, "accept-encoding": "gzip" };

function step(message: string) {
  console.error(`[bench] ${message}`);
}

async function sh(argv: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${argv.join(" ")} failed (${code}):\n${out}\n${err}`);
  return out;
}

// 1. The executable and the dataset.
const exe = join(work, "actions-runs");
step("building the executable");
await sh([process.execPath, "scripts/build.ts", exe]);
const dataset = join(work, `runs-${repos}x${runs}.sqlite`);
if (!existsSync(dataset)) {
  step(`seeding ${dataset}`);
  const t0 = performance.now();
  await sh([exe, "seed", "--out", dataset, "--repos", String(repos), "--runs", String(runs), "--seed", "1"]);
  step(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} else {
  step(`reusing ${dataset}`);
  // A file seeded by an earlier version gets the migrations it lacks, as a sync would give it.
  const { Database } = await import("bun:sqlite");
  const { applyMigrations } = await import("../db/migrations/apply.ts");
  const db = new Database(dataset);
  applyMigrations(db);
  db.close();
}

// 2. The service.
async function startService(dbFile: string, name: string, extra: string[] = [], command: string[] = [exe]) {
  const t0 = performance.now();
  // Its log goes to a file, as it would in production: read back by a process of its own, the
  // lines would take CPU from the load generator on a small machine, which the ceiling is spared.
  const logFile = join(work, `${name}.log`);
  rmSync(logFile, { force: true });
  // One process unless `extra` asks for workers.
  const workers = extra.includes("--workers") ? [] : ["--workers", "1"];
  const { proc, url, started } = await startServeProcess([...command, "serve", "--db", dbFile, "--port", "0", ...unlimited, ...workers, ...extra],
    { env: { ...process.env } as Record<string, string>, stdout: { file: logFile }, stderr: "inherit", startTimeoutMs: 120_000 });
  // The processes that serve: the one, or the workers (not their supervisor).
  const servers = (started.pids as number[] | undefined) ?? [proc.pid];
  return { proc, url: url!, t0, servers };
}

/** Spawn → first 200 on a real page, median of several starts. */
async function startupMs(dbFile: string, workers: number): Promise<number> {
  const samples: number[] = [];
  let taken = 0;
  while (samples.length < 7) {
    const ms = await timeStart(exe, dbFile, workers);
    if (ms !== null) samples.push(ms);
    // Another process may hold the port picked: another one, a few times.
    else if (++taken >= 5) throw new Error("five of the ports picked for a start were in use");
  }
  return samples.sort((a, b) => a - b)[3]!;
}

const service = await startService(dataset, "service");
// The same service remembering no answer: what every request costs when the data changes
// between any two of them (a busy forge, followed by the sync, can commit many times a second).
const uncached = await startService(dataset, "service-uncached", ["--response-cache-mb", "0"]);
// The same two under Deno, with --deno.
const { denoEntry } = await import("../tests/support/binary.ts");
const deno = args.deno ? await startService(dataset, "service-deno", [], denoEntry) : null;
const denoUncached = args.deno ? await startService(dataset, "service-deno-uncached", ["--response-cache-mb", "0"], denoEntry) : null;
// The same service as N workers on one port, for the mixed workload.
const mixing = args.only === undefined || "mixed".includes(args.only);
const workersService = mixing ? await startService(dataset, "service-workers", ["--workers", String(workerCount)]) : null;
const workersUncached = mixing ? await startService(dataset, "service-workers-uncached", ["--workers", String(workerCount), "--response-cache-mb", "0"]) : null;
// Whatever happens below, the services do not outlive the bench.
process.once("exit", () => {
  workersService?.proc.kill();
  workersUncached?.proc.kill();
  service.proc.kill();
  uncached.proc.kill();
  deno?.proc.kill();
  denoUncached?.proc.kill();
});
step(`service at ${service.url}`);

// 3. Workloads, and the bytes the service answers for each (the ceiling serves those).
const { Database } = await import("bun:sqlite");
const monorepo = (() => {
  const db = new Database(dataset, { readonly: true });
  const row = db.query(`SELECT a.login || '/' || r.name AS name FROM repositories r JOIN accounts a ON a.id = r.owner_id
    WHERE r.name = 'monorepo' ORDER BY (SELECT count(*) FROM run_days d WHERE d.repo_id = r.id) DESC LIMIT 1`).get() as { name: string };
  db.close();
  return row.name;
})();
const mono = `/api/v3/repos/${monorepo}/actions/runs`;
const latest = (await (await fetch(`${service.url}${mono}?per_page=1`, { headers: auth })).json()) as { workflow_runs: { id: number }[] };
const runId = latest.workflow_runs[0]!.id;
// The run the writer touches: in the monorepo, on none of the pages measured.
const touched = (await (await fetch(`${service.url}${mono}?per_page=1&page=100000`, { headers: auth })).json()) as { workflow_runs: { id: number }[] };
const touchedRun = touched.workflow_runs[0]!.id;
const changeEvery = Number(args["change-every"]);
let commits = 0;
/** Load the service (or `target`) while the writer commits to its file; the writer's commits are counted. */
async function whileChanging(requests: Parameters<typeof wrk>[1], runs: number[] = [touchedRun], random = false, target = service.url): Promise<LoadResult> {
  const writer = Bun.spawn([process.execPath, join(import.meta.dir, "changes.ts"), dataset, runs.join(","), "--every", String(changeEvery)], { stdout: "pipe", stderr: "inherit" });
  await Bun.sleep(changeEvery + 50);
  const result = await wrk(target, requests, { ...load, random });
  writer.kill("SIGTERM");
  const [out] = await Promise.all([new Response(writer.stdout).text(), writer.exited]);
  commits += (JSON.parse(out) as { commits: number }).commits;
  return result;
}
const allWorkloads: { name: string; paths: string[]; conditional?: boolean }[] = [
  { name: "runs page, small repo", paths: ["/api/v3/repos/alice/hello-world/actions/runs"] },
  { name: "runs page, small repo (/api/v1)", paths: ["/api/v1/repos/alice/hello-world/actions/runs"] },
  { name: "runs page, monorepo", paths: [mono] },
  { name: "monorepo, status+branch", paths: [`${mono}?status=success&branch=main`] },
  { name: "monorepo, page 5,000", paths: [`${mono}?page=5000`] },
  { name: "one run", paths: [`${mono}/${runId}`] },
  { name: "one run's jobs", paths: [`${mono}/${runId}/jobs`] },
  { name: "gh run watch poll (304)", paths: [`${mono}/${runId}`, `${mono}/${runId}/jobs`], conditional: true },
];
const workloads = allWorkloads.filter((w) => args.only === undefined || w.name.includes(args.only));
if (workloads.length === 0 && !mixing) throw new Error(`no workload's name contains ${JSON.stringify(args.only)}`);
// Every header the service sends, its request id included (a recorded one: same length, same
// bytes on the wire); Date and Content-Length are Bun's own on both sides.
const headersOf = (res: Response) => {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => { if (k !== "date" && k !== "content-length") headers[k] = v; });
  return headers;
};
/** The service's answer to `path` and its 304, as they travel (gzip-encoded where the service encodes them), not decoded. */
async function record(into: Map<string, Recorded>, path: string, as: Record<string, string>) {
  const res = await fetch(`${service.url}${path}`, { headers: as, decompress: false });
  if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const headers = headersOf(res);
  const again = await fetch(`${service.url}${path}`, { headers: { ...as, "if-none-match": headers["etag"]! }, decompress: false });
  if (again.status !== 304) throw new Error(`${path} with its ETag → ${again.status}`);
  into.set(path, { status: 200, headers, body, notModified: headersOf(again) });
}
const recorded = new Map<string, Recorded>();
for (const w of workloads) for (const path of w.paths) await record(recorded, path, client);
const ceiling = startCeiling(recorded);

// The mixed workload, as a site admin sees it (every repository readable), recorded the same way.
const mix = mixing ? mixedWorkload(dataset) : null;
const mixRecorded = new Map<string, Recorded>();
const admin = { authorization: "token demo_erin_admin", "accept-encoding": "gzip" };
if (mix) {
  step(`recording the mixed workload: ${mix.urls} URLs over ${mix.repositories} repositories`);
  for (const path of new Set(mix.requests.map((r) => r.path))) await record(mixRecorded, path, admin);
}
const mixCeiling = startCeiling(mixRecorded);
const mixRequests = (mix?.requests ?? []).map((r) => ({
  path: r.path,
  headers: { ...admin, ...(r.conditional ? { "if-none-match": mixRecorded.get(r.path)!.headers["etag"]! } : {}) },
}));

// 4. PostgreSQL with the same data.
let postgres: { url: string; mixUrl: string; close(): Promise<void> } | null = null;
if (!args["no-postgres"]) {
  const { findPostgres, startTestPostgres } = await import("../tests/support/postgres.ts");
  const binaries = findPostgres();
  if (!binaries) step("PostgreSQL is not installed: skipping the PostgreSQL reference");
  else {
    step("starting PostgreSQL and seeding it with the same data");
    const pg = await startTestPostgres(binaries);
    const db = await pg.createDatabase("bench");
    const t0 = performance.now();
    const { seedPostgres } = await import("../src/seed/postgres.ts");
    await seedPostgres(db.adminUrl, { repos, runs, seed: 1 });
    // The forge's own index for listing a repository's runs (its schema.sql has it; the
    // project's statement of the forge, db/forge/schema.sql, leaves out plain indexes the
    // service does not read through): without it every runs page is a scan of every run.
    await sh(["psql", db.adminUrl, "-qc", "CREATE INDEX IF NOT EXISTS workflow_runs_repo_created ON workflow_runs (repo_id, created_at DESC, id DESC)"]);
    // As a forge's database would be: vacuumed (visibility maps, so index-only scans work) and
    // analyzed, and checkpointed, so that no background writing falls on the measurements.
    await sh(["psql", db.adminUrl, "-qc", "VACUUM ANALYZE"]);
    await sh(["psql", db.adminUrl, "-qc", "CHECKPOINT"]);
    step(`PostgreSQL seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const ref = startPostgresReference(db.readerUrl, recorded);
    const mixRef = startPostgresReference(db.readerUrl, mixRecorded);
    postgres = {
      url: ref.server.url.href.replace(/\/$/, ""),
      mixUrl: mixRef.server.url.href.replace(/\/$/, ""),
      close: async () => { await ref.close(); await mixRef.close(); await pg.destroy(); },
    };
  }
}

// 5. Load.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Rounds of one target: the median round's throughput and p50, the worst p99, every error. */
function combined(results: LoadResult[]): LoadResult {
  return {
    rps: median(results.map((r) => r.rps)),
    p50ms: median(results.map((r) => r.p50ms)),
    p99ms: Math.max(...results.map((r) => r.p99ms)),
    errors: results.reduce((n, r) => n + r.errors, 0),
    requests: results.reduce((n, r) => n + r.requests, 0),
  };
}
type Row = {
  name: string; ceiling: LoadResult; service: LoadResult; changing: LoadResult; uncached: LoadResult; postgres: LoadResult | null;
  ratio: number; overPostgres: number; changingRatio: number; changingOverPostgres: number; uncachedRatio: number; uncachedOverPostgres: number;
  /** How many times PostgreSQL the ceiling itself is: no Bun service can beat PostgreSQL by more. */
  ceilingOverPostgres: number;
  /** With --deno: the service under Deno, and its ratios to the executable's in the same rounds. */
  deno: LoadResult | null; denoUncached: LoadResult | null; denoRatio: number; denoUncachedRatio: number;
};
const rows: Row[] = [];
for (const w of workloads) {
  const requests = w.paths.map((path) => ({
    path,
    headers: { ...client, ...(w.conditional ? { "if-none-match": recorded.get(path)!.headers["etag"]! } : {}) },
  }));
  step(`load: ${w.name}`);
  const c: LoadResult[] = [];
  const s: LoadResult[] = [];
  const ch: LoadResult[] = [];
  const u: LoadResult[] = [];
  const p: LoadResult[] = [];
  const d: LoadResult[] = [];
  const du: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) {
    c.push(await wrk(`http://127.0.0.1:${ceiling.port}`, requests, load));
    s.push(await wrk(service.url, requests, load));
    ch.push(await whileChanging(requests));
    u.push(await wrk(uncached.url, requests, load));
    if (postgres) p.push(await wrk(postgres.url, requests, load));
    if (deno) d.push(await wrk(deno.url, requests, load));
    if (denoUncached) du.push(await wrk(denoUncached.url, requests, load));
  }
  rows.push({
    name: w.name,
    ceiling: combined(c),
    service: combined(s),
    changing: combined(ch),
    uncached: combined(u),
    postgres: postgres ? combined(p) : null,
    changingRatio: median(ch.map((r, i) => r.rps / c[i]!.rps)),
    changingOverPostgres: postgres ? median(ch.map((r, i) => r.rps / p[i]!.rps)) : NaN,
    uncachedRatio: median(u.map((r, i) => r.rps / c[i]!.rps)),
    uncachedOverPostgres: postgres ? median(u.map((r, i) => r.rps / p[i]!.rps)) : NaN,
    ratio: median(s.map((r, i) => r.rps / c[i]!.rps)),
    overPostgres: postgres ? median(s.map((r, i) => r.rps / p[i]!.rps)) : NaN,
    ceilingOverPostgres: postgres ? median(c.map((r, i) => r.rps / p[i]!.rps)) : NaN,
    deno: deno ? combined(d) : null,
    denoUncached: denoUncached ? combined(du) : null,
    denoRatio: deno ? median(d.map((r, i) => r.rps / s[i]!.rps)) : NaN,
    denoUncachedRatio: denoUncached ? median(du.map((r, i) => r.rps / u[i]!.rps)) : NaN,
  });
}
// The mixed workload: each round the ceiling, the service on unchanged data, while one run
// changes, while ten repositories change, remembering nothing, and PostgreSQL.
const mixConditions = [
  "unchanged", "one run changing every 200 ms", "10 repositories changing every 200 ms", "--response-cache-mb 0", "PostgreSQL",
  `--workers ${workerCount}, unchanged`, `--workers ${workerCount}, one run changing every 200 ms`,
  `--workers ${workerCount}, 10 repositories changing every 200 ms`, `--workers ${workerCount}, --response-cache-mb 0`,
] as const;
const mixRows: { condition: string; results: LoadResult[]; ratios: number[] }[] = mixConditions.map((condition) => ({ condition, results: [], ratios: [] }));
const mixCeilingResults: LoadResult[] = [];
if (mix) {
  step(`load: mixed (${mixRequests.length} requests, ${mix.urls} URLs, ${mix.repositories} repositories)`);
  const random = { ...load, random: true };
  // Each worker remembers its own answers: they are filled first, as recording filled the one
  // process's. Each new connection goes to a worker the kernel picks, so every URL is asked on
  // 4 × N new connections (that a worker misses a URL: N·(1 - 1/N)^(4N), 0.8% for 2 workers).
  if (workersService) {
    const urls = [...new Set(mixRequests.map((r) => r.path))];
    const ask = async (path: string) => {
      for (let i = 0; i < 4 * workerCount; i++) {
        await (await fetch(`${workersService.url}${path}`, { headers: { ...admin, connection: "close" } })).arrayBuffer();
      }
    };
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < urls.length) await ask(urls[next++]!);
    }));
  }
  for (let round = 0; round < rounds; round++) {
    const c = await wrk(`http://127.0.0.1:${mixCeiling.port}`, mixRequests, random);
    mixCeilingResults.push(c);
    const results = [
      await wrk(service.url, mixRequests, random),
      await whileChanging(mixRequests, [touchedRun], true),
      await whileChanging(mixRequests, mix.runsToTouch, true),
      await wrk(uncached.url, mixRequests, random),
      postgres ? await wrk(postgres.mixUrl, mixRequests, random) : null,
      workersService ? await wrk(workersService.url, mixRequests, random) : null,
      workersService ? await whileChanging(mixRequests, [touchedRun], true, workersService.url) : null,
      workersService ? await whileChanging(mixRequests, mix.runsToTouch, true, workersService.url) : null,
      workersUncached ? await wrk(workersUncached.url, mixRequests, random) : null,
    ];
    results.forEach((r, i) => {
      if (r === null) return;
      mixRows[i]!.results.push(r);
      mixRows[i]!.ratios.push(r.rps / c.rps);
    });
  }
}
const cacheUsage = await (async () => {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const num = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return { bytes: num("actions_runs_response_cache_bytes"), entries: num("actions_runs_response_cache_entries") };
})();
// readFileSync: /proc files report size 0, which Bun.file takes at its word.
const peakKbOf = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
const peakKb = peakKbOf(service.proc.pid);
const workersPeakKb = workersService ? workersService.servers.map(peakKbOf) : [];
// CPU seconds (user + system) each process used: the supervisor's is what passing the workers' log lines on costs.
const cpuSecondsOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const workersCpu = workersService ? { supervisor: cpuSecondsOf(workersService.proc.pid), workers: workersService.servers.map(cpuSecondsOf) } : null;
workersService?.proc.kill();
workersUncached?.proc.kill();
service.proc.kill();
uncached.proc.kill();
deno?.proc.kill();
denoUncached?.proc.kill();
await Promise.all([service.proc.exited, uncached.proc.exited, deno?.proc.exited, denoUncached?.proc.exited, workersService?.proc.exited, workersUncached?.proc.exited]);
ceiling.stop(true);
mixCeiling.stop(true);
await postgres?.close();
const startup = await startupMs(dataset, 1);
const startupWorkers = await startupMs(dataset, workerCount);

// 6. The table.
const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "—");
const lines = [
  `Dataset: ${repos} repositories, ${runs} runs (+ the demo fixtures); ${monorepo} holds ${Math.round(runs * 0.2)}.`,
  `wrk: ${load.threads} threads, ${load.connections} connections; per workload ${rounds} rounds of ${load.seconds} s on each target in turn; every request as gh sends it (a token, Accept-Encoding: gzip).`,
  "Ratios are medians of the rounds' ratios; req/s and p50 are the median round's, p99 the worst round's.",
  "",
  "The service as it runs (answers remembered while the data is unchanged):",
  "",
  "| workload | service req/s | ceiling req/s | ratio | p50 ms | p99 ms | ceiling p99 ms | PostgreSQL req/s | × PostgreSQL | ceiling × PostgreSQL | errors |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${f(r.service.rps)} | ${f(r.ceiling.rps)} | ${f(r.ratio, 2)} | ${f(r.service.p50ms, 2)} | ${f(r.service.p99ms, 2)} | ${f(r.ceiling.p99ms, 2)} | ${r.postgres ? f(r.postgres.rps) : "—"} | ${r.postgres ? f(r.overPostgres, 1) : "—"} | ${r.postgres ? f(r.ceilingOverPostgres, 1) : "—"} | ${r.service.errors} |`),
  "",
  `The same service while a writer commits to its file every ${changeEvery} ms (${commits} commits in all), as the sync does when every poll brings changes; each commit drops the remembered answers of the repository it changed (the monorepo, whose pages these are):`,
  "",
  "| workload | req/s | ratio to ceiling | p50 ms | p99 ms | × PostgreSQL | errors |",
  "|---|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${f(r.changing.rps)} | ${f(r.changingRatio, 2)} | ${f(r.changing.p50ms, 2)} | ${f(r.changing.p99ms, 2)} | ${r.postgres ? f(r.changingOverPostgres, 1) : "—"} | ${r.changing.errors} |`),
  "",
  "The same service with --response-cache-mb 0, every answer recomputed (as when the data changes between any two requests):",
  "",
  "| workload | req/s | ratio to ceiling | p50 ms | p99 ms | × PostgreSQL | errors |",
  "|---|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${f(r.uncached.rps)} | ${f(r.uncachedRatio, 2)} | ${f(r.uncached.p50ms, 2)} | ${f(r.uncached.p99ms, 2)} | ${r.postgres ? f(r.uncachedOverPostgres, 1) : "—"} | ${r.uncached.errors} |`),
  "",
  ...(mix ? [
    "",
    `Mixed: ${mixRequests.length} requests (${mix.urls} distinct URLs, a quarter of the runs and jobs also polled with their ETag) over ${mix.repositories} repositories, one at random per request, as a site admin's token (every repository readable):`,
    "",
    "| condition | req/s | ceiling req/s | ratio | to the ceiling's best round | p50 ms | p99 ms | ceiling p99 ms | errors |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...mixRows.filter((r) => r.results.length > 0).map((r) => {
      const c = combined(r.results);
      const ceil = combined(mixCeilingResults);
      // A slow round of the ceiling lifts its round's ratio: the median round against the ceiling's best never is.
      const best = Math.max(...mixCeilingResults.map((x) => x.rps));
      return `| ${r.condition} | ${f(c.rps)} | ${f(ceil.rps)} | ${f(median(r.ratios), 2)} | ${f(c.rps / best, 2)} | ${f(c.p50ms, 2)} | ${f(c.p99ms, 2)} | ${f(ceil.p99ms, 2)} | ${c.errors} |`;
    }),
    "",
    `Remembered answers after the load: ${f(cacheUsage.entries)} entries, ${f(cacheUsage.bytes / 1024 / 1024, 1)} MB counted.`,
  ] : []),
  "",
  `Peak memory of the service (VmHWM): ${f(peakKb / 1024)} MB. Start-up, spawn to first 200 on a runs page (median of 7): ${f(startup, 1)} ms.`,
  `With --workers ${workerCount}: peak memory of each worker ${workersPeakKb.map((kb) => f(kb / 1024)).join(", ")} MB; start-up to the first 200 (median of 7) ${f(startupWorkers, 1)} ms; CPU over the whole run: supervisor ${f(workersCpu?.supervisor ?? NaN, 1)} s, workers ${(workersCpu?.workers ?? []).map((c) => f(c, 1)).join(", ")} s.`,
  ...(deno ? [
    "",
    "The same service under Deno (src/main-deno.ts: node:sqlite, Deno.serve), in the same rounds; ratios to the executable's req/s:",
    "",
    "| workload | Deno req/s | × executable | p99 ms | Deno, nothing remembered, req/s | × executable, nothing remembered | errors |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.name} | ${f(r.deno!.rps)} | ${f(r.denoRatio, 2)} | ${f(r.deno!.p99ms, 2)} | ${f(r.denoUncached!.rps)} | ${f(r.denoUncachedRatio, 2)} | ${r.deno!.errors + r.denoUncached!.errors} |`),
  ] : []),
];
console.log(lines.join("\n"));
await Bun.write(join(work, "results.md"), lines.join("\n") + "\n");
