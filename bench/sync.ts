// The sync's figures: the initial load of a seeded forge (rows/s, peak RSS of the sync
// process), then, while following, change-to-visible lag under continuous writes and what the
// polling costs (CPU of the sync process and of its PostgreSQL backend, rows re-read per poll),
// idle and under writes. PostgreSQL is a throwaway local cluster unless --url names an empty
// forge database (then --reader-url is what the sync connects as, default --url).
//
//   bun bench/sync.ts [--runs 100000] [--repos N] [--lag-seconds 15] [--writes-per-second 50] [--poll-ms 200]
//   bun bench/sync.ts --runs 1000000
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
  },
});
const runs = Number(args.runs);
const repos = Number(args.repos ?? Math.max(20, Math.round(runs / 5_000)));
const lagSeconds = Number(args["lag-seconds"]);
const writesPerSecond = Number(args["writes-per-second"]);
const pollMs = Number(args["poll-ms"]);
const root = join(import.meta.dir, "..");
const work = join(root, ".bench", `sync-${process.pid}`);
mkdirSync(work, { recursive: true });
const dbFile = join(work, "copy.sqlite");
const command = `bun bench/sync.ts ${process.argv.slice(2).join(" ")}`.trim();

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

try {
  // 1. Seed through the executable's own command.
  step(`seed --postgres: ${runs} runs, ${repos} repositories`);
  const seedArgv = [process.execPath, join(root, "src/main.ts"), "seed", "--postgres", adminUrl, "--runs", String(runs), "--repos", String(repos)];
  const seedStarted = performance.now();
  const seed = Bun.spawnSync(seedArgv, { stdout: "pipe", stderr: "pipe" });
  if (seed.exitCode !== 0) throw new Error(`seed failed: ${seed.stderr.toString()}`);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const seeded = JSON.parse(seed.stdout.toString().trim().split("\n").pop()!) as { summary: { rows: Record<string, number> } };
  const sourceRows = Object.values(seeded.summary.rows).reduce((a, b) => a + b, 0);

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
  const f = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const percent = (share: number) => `${f(share * 100, 1)}%`;
  console.log(`\n${command}\n`);
  console.log("| measure | value |");
  console.log("|---|---|");
  console.log(`| seed --postgres (COPY, one transaction) | ${f(sourceRows)} rows in ${f(seedSeconds, 1)} s (${f(sourceRows / seedSeconds)} rows/s) |`);
  console.log(`| initial load into SQLite | ${f(loadedRows)} rows in ${f(loaded.seconds as number, 1)} s: ${f(loadedRows / (loaded.seconds as number))} rows/s (process ${f(loadSeconds, 1)} s incl. start and first poll) |`);
  console.log(`| peak RSS of the syncing process | ${f((done.maxRssKB as number) / 1024)} MB |`);
  console.log(`| change-to-visible lag, ${f(sorted.length)} changes at ${writesPerSecond}/s (poll ${pollMs} ms) | p50 ${f(pct(50))} ms, p99 ${f(pct(99))} ms, max ${f(sorted[sorted.length - 1] ?? NaN)} ms |`);
  console.log(`| changes not seen within 10 s | ${seen.missed} |`);
  console.log(`| polling, idle | ${f(idle.pollsPerSecond, 1)} polls/s; CPU: sync ${percent(idle.syncCpu)}, its PostgreSQL backend ${percent(idle.pgCpu)} |`);
  console.log(`| polling, under writes (${f(changedRows / lagSeconds)} rows changed/s) | ${f(busy.pollsPerSecond, 1)} polls/s, ${f(busy.rowsPerPoll)} rows written per poll (the overlap is read again, not written again); CPU: sync ${percent(busy.syncCpu)}, PostgreSQL backend ${percent(busy.pgCpu)} |`);
} finally {
  await cleanup();
  rmSync(work, { recursive: true, force: true });
}
