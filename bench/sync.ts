// The sync's figures: the initial load of a seeded forge (rows/s, peak RSS of the sync
// process), beside PostgreSQL streaming the same rows with COPY … TO STDOUT and nothing else
// (the reference, in the same run), then, while following, change-to-visible lag under continuous writes and what the
// polling costs (CPU of the sync process and of its PostgreSQL backend, rows re-read per poll),
// idle and under writes. PostgreSQL is a throwaway local cluster unless --url names an empty
// forge database (then --reader-url is what the sync connects as, default --url).
//
//   bun bench/sync.ts [--runs 100000] [--repos N] [--shapes seed|widest] [--load-only]
//                     [--lag-seconds 15] [--writes-per-second 50] [--poll-ms 200]
//   bun bench/sync.ts --runs 1000000
// --shapes widest widens the seeded rows to the forge schema's widest shapes before the load:
// every nullable column filled, names and titles long (a step row of about 110 bytes).
// --seeded: the database at --url already holds a forge (seeded by an earlier run); no seed.
import { SQL } from "bun";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { watchVisibility } from "../tests/support/visibility.ts";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "100000" },
    repos: { type: "string" },
    "lag-seconds": { type: "string", default: "15" },
    "writes-per-second": { type: "string", default: "50" },
    "poll-ms": { type: "string", default: "200" },
    url: { type: "string" },
    "reader-url": { type: "string" },
    shapes: { type: "string", default: "seed" },
    seeded: { type: "boolean", default: false },
    "load-only": { type: "boolean", default: false },
  },
});
const runs = Number(args.runs);
const repos = Number(args.repos ?? Math.max(20, Math.round(runs / 5_000)));
const lagSeconds = Number(args["lag-seconds"]);
const writesPerSecond = Number(args["writes-per-second"]);
const pollMs = Number(args["poll-ms"]);
if (args.shapes !== "seed" && args.shapes !== "widest") throw new Error("--shapes is seed or widest");
const root = join(import.meta.dir, "..");
const work = join(root, ".bench", `sync-${process.pid}`);
mkdirSync(work, { recursive: true });
const dbFile = join(work, "copy.sqlite");
const command = `bun bench/sync.ts ${process.argv.slice(2).join(" ")}`.trim();

/** The forge's tables, parents first. */
const tableNames = ["accounts", "org_members", "repositories", "repo_collaborators", "personal_access_tokens", "workflows",
  "workflow_runs", "workflow_jobs", "workflow_steps", "workflow_artifacts"];
const step = (message: string) => console.error(`[bench/sync] ${message}`);
const clockTicks = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

/** CPU seconds (user + system) a local process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

let cleanup = async () => {};
let adminUrl = args.url;
let readerUrl = args["reader-url"] ?? args.url;
if (!adminUrl) {
  const { findPostgres, startTestPostgres } = await import("../tests/support/postgres.ts");
  const binaries = findPostgres();
  if (!binaries) throw new Error("PostgreSQL is not installed: pass --url of an empty forge database");
  step("starting a throwaway PostgreSQL cluster");
  const pg = await startTestPostgres(binaries);
  const db = await pg.createDatabase("forge_bench");
  adminUrl = db.adminUrl;
  readerUrl = db.readerUrl;
  cleanup = () => pg.destroy();
}

let finished = false;
async function finish(): Promise<void> {
  if (finished) return;
  finished = true;
  await cleanup();
  rmSync(work, { recursive: true, force: true });
}

try {
  // 1. Seed through the executable's own command.
  let seedLine = "";
  if (!args.seeded) {
    step(`seed --postgres: ${runs} runs, ${repos} repositories`);
    const seedArgv = [process.execPath, join(root, "src/main.ts"), "seed", "--postgres", adminUrl, "--runs", String(runs), "--repos", String(repos)];
    const seedStarted = performance.now();
    const seed = Bun.spawnSync(seedArgv, { stdout: "pipe", stderr: "pipe" });
    if (seed.exitCode !== 0) throw new Error(`seed failed: ${seed.stderr.toString()}`);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const seeded = JSON.parse(seed.stdout.toString().trim().split("\n").pop()!) as { summary: { rows: Record<string, number> } };
    const seededRows = Object.values(seeded.summary.rows).reduce((a, b) => a + b, 0);
    seedLine = `| seed --postgres (COPY, one transaction) | ${seededRows.toLocaleString("en-US")} rows in ${seedSeconds.toFixed(1)} s |`;
  }
  if (args.shapes === "widest") {
    step("widening every row to the schema's widest shapes");
    await widen(adminUrl);
  }
  const forge = new SQL(adminUrl, { max: 1 });
  const shape = (await forge.unsafe(`SELECT
    (SELECT sum(n) FROM (${tableNames.map((t) => `SELECT count(*) AS n FROM ${t}`).join(" UNION ALL ")}) AS counts)::int8::text AS rows,
    (SELECT avg(pg_column_size(s.*))::int FROM workflow_steps s) AS step_bytes,
    (SELECT avg(pg_column_size(r.*))::int FROM workflow_runs r) AS run_bytes`)) as [{ rows: string; step_bytes: number; run_bytes: number }];
  const sourceRows = Number(shape[0].rows);

  // PostgreSQL alone: every table streamed with COPY … TO STDOUT in one snapshot, the bytes dropped.
  step("reference: COPY … TO STDOUT of every table");
  const copyStarted = performance.now();
  let copyBytes = 0;
  await forge.begin("isolation level repeatable read read only", async (tx) => {
    for (const t of tableNames) {
      for await (const chunk of tx.unsafe(`COPY ${t} TO STDOUT (FORMAT binary)`).readable() as unknown as AsyncIterable<Uint8Array>) copyBytes += chunk.byteLength;
    }
  });
  const copySeconds = (performance.now() - copyStarted) / 1000;
  await forge.close();

  // 2. The initial load, in a process of its own.
  step("initial load (sync --once)");
  const loadStarted = performance.now();
  const load = Bun.spawn([process.execPath, join(import.meta.dir, "sync-follower.ts"), readerUrl!, dbFile, "--once"], { stdout: "pipe", stderr: "inherit" });
  const loadLines = (await new Response(load.stdout).text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  if ((await load.exited) !== 0) throw new Error("the load failed");
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const loaded = loadLines.find((l) => l.event === "sync_loaded")!;
  const done = loadLines.find((l) => l.event === "done")!;
  const loadedRows = loaded.rows as number;
  const f = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const report = [
    `| initial load into SQLite | ${f(loadedRows)} rows in ${f(loaded.seconds as number, 1)} s (${f(loaded.index_seconds as number, 1)} s of it building indexes): ${f(loadedRows / (loaded.seconds as number))} rows/s (process ${f(loadSeconds, 1)} s incl. start and first poll) |`,
    `| reference: PostgreSQL streaming every row, COPY … TO STDOUT (binary), nothing else | ${f(sourceRows)} rows, ${f(copyBytes / 1e6)} MB in ${f(copySeconds, 1)} s: ${f(sourceRows / copySeconds)} rows/s; the load takes ${f((loaded.seconds as number) / copySeconds, 1)}× as long |`,
    `| peak RSS of the syncing process | ${f((done.maxRssKB as number) / 1024)} MB |`,
    `| CPU of the syncing process (user + system) | ${f(done.cpuSeconds as number, 1)} s: ${f((done.cpuSeconds as number) / (loadedRows / 1e6), 2)} s per million rows |`,
    `| row shapes (${args.shapes}) | a step row ${shape[0].step_bytes} bytes, a run row ${shape[0].run_bytes} bytes (pg_column_size) |`,
  ];
  if (args["load-only"]) {
    console.log(`\n${command}\n\n| measure | value |\n|---|---|${seedLine ? `\n${seedLine}` : ""}\n${report.join("\n")}`);
    // process.exit skips the finally below: the cluster and the work folder go first.
    await finish();
    process.exit(0);
  }

  // 3. Following: idle, then under continuous writes.
  step("following: idle, then under writes");
  const follower = Bun.spawn([process.execPath, join(import.meta.dir, "sync-follower.ts"), readerUrl!, dbFile, "--poll-ms", String(pollMs)], { stdout: "pipe", stderr: "inherit" });
  let latest: Record<string, unknown> = {};
  void (async () => {
    let buffer = "";
    for await (const chunk of follower.stdout as unknown as AsyncIterable<Uint8Array>) {
      buffer += new TextDecoder().decode(chunk);
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.event === "status") latest = parsed;
      }
    }
  })();
  while (latest.state !== "following") await Bun.sleep(50);
  const admin = new SQL(adminUrl, { max: 2 });
  const [{ pid: backendPid }] = await admin`SELECT pid FROM pg_stat_activity WHERE application_name = 'actions-runs-sync'`;

  const measure = async (during: () => Promise<void>) => {
    await Bun.sleep(600); // a fresh status line
    const before = { sync: cpuSeconds(follower.pid), pg: cpuSeconds(backendPid), polls: latest.polls as number, rows: latest.rowsApplied as number };
    const started = performance.now();
    await during();
    await Bun.sleep(600);
    const elapsed = (performance.now() - started) / 1000 + 0.6;
    const polls = (latest.polls as number) - before.polls;
    return {
      syncCpu: (cpuSeconds(follower.pid) - before.sync) / elapsed,
      pgCpu: (cpuSeconds(backendPid) - before.pg) / elapsed,
      pollsPerSecond: polls / elapsed,
      rowsPerPoll: ((latest.rowsApplied as number) - before.rows) / Math.max(1, polls),
    };
  };
  const idle = await measure(() => Bun.sleep(5_000));

  const ids = ((await admin`SELECT id FROM workflow_runs ORDER BY id DESC LIMIT 500`) as { id: string }[]).map((r) => Number(r.id));
  let changedRows = 0;
  let seen: { lags: number[]; missed: number } = { lags: [], missed: 0 };
  const busy = await measure(async () => {
    const watch = watchVisibility(dbFile, ids);
    const until = performance.now() + lagSeconds * 1000;
    // Each change is one forge transaction: a run's status line and all of its jobs.
    for (let i = 0; performance.now() < until; i++) {
      const started = performance.now();
      const id = ids[i % ids.length]!;
      const title = `bench-${i}`;
      const [run, jobs] = await admin.begin(async (tx) => [
        await tx`UPDATE workflow_runs SET display_title = ${title} WHERE id = ${id}`,
        await tx`UPDATE workflow_jobs SET runner_name = ${title} WHERE run_id = ${id}`,
      ]);
      changedRows += run.count + jobs.count;
      watch.committed(title);
      await Bun.sleep(Math.max(0, 1000 / writesPerSecond - (performance.now() - started)));
    }
    seen = await watch.stop(10_000);
  });
  follower.kill("SIGTERM");
  await follower.exited;
  await admin.close();

  const sorted = seen.lags;
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const percent = (share: number) => `${f(share * 100, 1)}%`;
  console.log(`\n${command}\n`);
  console.log("| measure | value |");
  console.log("|---|---|");
  if (seedLine) console.log(seedLine);
  for (const line of report) console.log(line);
  console.log(`| change-to-visible lag, ${f(sorted.length)} changes at ${writesPerSecond}/s (poll ${pollMs} ms) | p50 ${f(pct(50))} ms, p99 ${f(pct(99))} ms, max ${f(sorted[sorted.length - 1] ?? NaN)} ms |`);
  console.log(`| changes not seen within 10 s | ${seen.missed} |`);
  console.log(`| polling, idle | ${f(idle.pollsPerSecond, 1)} polls/s; CPU: sync ${percent(idle.syncCpu)}, its PostgreSQL backend ${percent(idle.pgCpu)} |`);
  console.log(`| polling, under writes (${f(changedRows / lagSeconds)} rows changed/s) | ${f(busy.pollsPerSecond, 1)} polls/s, ${f(busy.rowsPerPoll)} rows written per poll (the overlap is read again, not written again); CPU: sync ${percent(busy.syncCpu)}, PostgreSQL backend ${percent(busy.pgCpu)} |`);
} finally {
  await finish();
}


/** Every row at the forge schema's widest: nullable columns filled, texts long; then the tables rewritten compactly. */
async function widen(url: string): Promise<void> {
  const sql = new SQL(url, { max: 1 });
  const statements = [
    `UPDATE workflow_runs SET status = 'completed', conclusion = coalesce(conclusion, 'success'),
       actor_id = coalesce(actor_id, (SELECT min(id) FROM accounts)), triggering_actor_id = coalesce(triggering_actor_id, actor_id, (SELECT min(id) FROM accounts)),
       started_at = coalesce(started_at, created_at), completed_at = coalesce(completed_at, created_at + interval '7 minutes'),
       display_title = rpad(display_title, 96, ' and a longer commit subject'), head_ref = rpad(head_ref, 40, '-feature')`,
    `UPDATE workflow_jobs SET status = 'completed', conclusion = coalesce(conclusion, 'success'), runner_name = coalesce(runner_name, 'forge-runner-' || id),
       started_at = coalesce(started_at, created_at), completed_at = coalesce(completed_at, created_at + interval '5 minutes'),
       job_name = rpad(job_name, 48, ' (matrix entry)'), needs_jobs = CASE WHEN cardinality(needs_jobs) = 0 THEN ARRAY['build', 'lint', 'test'] ELSE needs_jobs END`,
    `UPDATE workflow_steps SET status = 'completed', conclusion = coalesce(conclusion, 'success'),
       started_at = coalesce(started_at, updated_at - interval '1 minute'), completed_at = coalesce(completed_at, updated_at), name = rpad(name, 40, ' step')`,
    `UPDATE workflow_artifacts SET expires_at = coalesce(expires_at, created_at + interval '90 days'), name = rpad(name, 40, '-artifact')`,
    "VACUUM (FULL, ANALYZE)",
  ];
  for (const statement of statements) await sql.unsafe(statement);
  await sql.close();
}
