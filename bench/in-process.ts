// Per-request cost inside the process, without HTTP: the served stack (front door with its
// limits and a log line, remembered answers, router) called as the server calls it. Each
// sample makes a fresh Request, as the server would; the cost of making the Request alone
// is measured the same way and subtracted. Best of several rounds.
//
// With --mix, the mixed workload instead (bench/mixed.ts): every one of its requests, in a
// random order, three passes, every answer computed (no remembered answers), as the site
// admin's token; the third pass is reported, on average and by kind of request. Its URLs span
// every repository, so what it reads from the file is not in SQLite's or the OS's hot pages
// the way one URL asked again and again is.
//
//   bun bench/in-process.ts [--db .bench/runs-1100x1000000.sqlite] [--mix]
import { parseArgs } from "node:util";
import { createApp } from "../src/http/app.ts";
import { defaultLimits } from "../src/limits/config.ts";
import { streamSink } from "../src/observability/log-sink.ts";
import { createLogger } from "../src/observability/logger.ts";
import { openDatabaseFile } from "../src/runtime/bun/database.ts";
import { bunCodec } from "../src/runtime/bun/codec.ts";
import { embeddedDocsAssets } from "../src/runtime/bun/embedded.ts";
import { createStore } from "../src/store/index.ts";

const { values: args } = parseArgs({
  options: { db: { type: "string", default: ".bench/runs-1100x1000000.sqlite" }, mix: { type: "boolean", default: false } },
});
const opened = openDatabaseFile(args.db!);
const mono = opened.sqlite.query(`SELECT r.id, a.login || '/' || r.name AS name FROM repositories r JOIN accounts a ON a.id = r.owner_id
  WHERE r.name = 'monorepo' LIMIT 1`).get() as { id: number; name: string } | null;
if (mono === null) throw new Error(`${args.db} has no monorepo: seed it with npm run bench first`);
const run = (opened.sqlite.query("SELECT id FROM workflow_runs WHERE repo_id = ? ORDER BY created_at DESC LIMIT 1").get(mono.id) as { id: number }).id;

// As bench/run.ts serves it: budgets off, their bookkeeping on.
const limits = { ...defaultLimits, tokenRequestsPerHour: 0, anonymousRequestsPerHour: 0, requestsPerMinute: 0, concurrentRequests: 100_000 };
const peer = { address: () => "127.0.0.1" };
const served = (responseCacheBytes: number) => {
  const app = createApp({
    store: createStore(opened.db, opened.readTransaction),
    dataVersion: opened.dataVersion,
    docsAssets: embeddedDocsAssets,
    codec: bunCodec,
    responseCacheBytes,
    logger: createLogger({ level: "info", format: "json", sink: streamSink(Bun.file("/dev/null").writer() as never) }),
    limits,
  });
  return (request: Request) => app.fetch(request, peer);
};

const base = `http://127.0.0.1:8080/api/v3/repos/${mono.name}/actions/runs`;
const client = { authorization: "token demo_alice_repo", "accept-encoding": "gzip", "user-agent": "GitHub CLI 2.23.0" };

async function perRequest(handle: (r: Request) => Response | Promise<Response>, url: string, headers: Record<string, string>, n: number): Promise<number> {
  const once = async () => void (await (await handle(new Request(url, { headers }))).arrayBuffer());
  const make = () => void new Request(url, { headers });
  for (let i = 0; i < Math.min(n, 500); i++) await once();
  let best = Infinity;
  let making = Infinity;
  for (let round = 0; round < 5; round++) {
    let t0 = performance.now();
    for (let i = 0; i < n; i++) make();
    making = Math.min(making, (performance.now() - t0) / n);
    t0 = performance.now();
    for (let i = 0; i < n; i++) await once();
    best = Math.min(best, (performance.now() - t0) / n);
  }
  return (best - making) * 1000;
}

if (args.mix) {
  const { mixedWorkload } = await import("./mixed.ts");
  const mix = mixedWorkload(args.db!);
  const computing = served(0);
  const admin = { authorization: "token demo_erin_admin", "accept-encoding": "gzip" };
  const kindOf = (path: string, conditional: boolean) => (conditional ? "304 poll: " : "") + (
    path.startsWith("/api/v1/") ? "/api/v1 second page" : path.endsWith("/jobs") ? "a run's jobs" : /\/runs\/\d+$/.test(path) ? "a run"
      : path.includes("status=") ? "filtered page" : path.includes("page=") ? "deep page" : "first page");
  const etags = new Map<string, string>();
  for (const r of mix.requests) {
    if (r.conditional && !etags.has(r.path)) etags.set(r.path, (await computing(new Request(`http://127.0.0.1:8080${r.path}`, { headers: admin }))).headers.get("etag")!);
  }
  const order = mix.requests.map((r) => ({ ...r, sort: Math.random() })).sort((a, b) => a.sort - b.sort);
  let byKind = new Map<string, { ms: number; n: number }>();
  let average = 0;
  for (let pass = 0; pass < 3; pass++) {
    byKind = new Map();
    const t0 = performance.now();
    for (const r of order) {
      const t = performance.now();
      const headers = r.conditional ? { ...admin, "if-none-match": etags.get(r.path)! } : admin;
      await (await computing(new Request(`http://127.0.0.1:8080${r.path}`, { headers }))).arrayBuffer();
      const name = kindOf(r.path, r.conditional);
      const kind = byKind.get(name) ?? { ms: 0, n: 0 };
      kind.ms += performance.now() - t;
      kind.n++;
      byKind.set(name, kind);
    }
    average = ((performance.now() - t0) / order.length) * 1000;
  }
  console.log(`The mixed workload computed in the process: ${order.length} requests, ${mix.urls} URLs over ${mix.repositories} repositories; third pass.`);
  console.log("| request | n | computed µs |");
  console.log("|---|---:|---:|");
  for (const [kind, { ms, n }] of [...byKind].sort()) console.log(`| ${kind} | ${n} | ${((ms / n) * 1000).toFixed(1)} |`);
  console.log(`| all | ${order.length} | ${average.toFixed(1)} |`);
  process.exit(0);
}

const remembering = served(64 * 1024 * 1024);
const computing = served(0);
const etag = (await remembering(new Request(`${base}/${run}`, { headers: client }))).headers.get("etag")!;
const rows: [string, string, Record<string, string>, number][] = [
  ["one run, 304 (the gh run watch poll)", `${base}/${run}`, { ...client, "if-none-match": etag }, 100_000],
  ["one run", `${base}/${run}`, client, 20_000],
  ["one run's jobs", `${base}/${run}/jobs`, client, 20_000],
  ["small repository's runs page", "http://127.0.0.1:8080/api/v3/repos/alice/hello-world/actions/runs", client, 2_000],
  ["monorepo runs page", base, client, 2_000],
  ["monorepo, status+branch", `${base}?status=success&branch=main`, client, 2_000],
  ["monorepo page 5,000", `${base}?page=5000`, client, 500],
];
console.log("| request | remembered µs | computed µs |");
console.log("|---|---:|---:|");
for (const [name, url, headers, n] of rows) {
  const hit = await perRequest(remembering, url, headers, n);
  const miss = await perRequest(computing, url, headers, Math.max(200, Math.round(n / 20)));
  console.log(`| ${name} | ${hit.toFixed(1)} | ${miss.toFixed(1)} |`);
}
