// Soak: the compiled executable under sustained mixed load while its database is written to,
// reporting errors (target 0) and memory at the start and end (target: flat).
//
//   bun bench/soak.ts [--seconds 60] [--connections 64] [--repos 200] [--runs 50000] [--exe PATH] [--sync]
//
// wrk (bench/soak.lua) cycles through every route of both surfaces (/api/v1, /api/v3 and the
// root) with a mix of tokens, missing and bad credentials, hidden repositories and conditional
// requests. Meanwhile a writer process changes the SQLite file continuously, the way the sync
// does (WAL, short transactions): new runs with their jobs and steps, runs moving from queued
// to completed, old ones deleted. With --sync the same life cycle is written into a throwaway
// forge PostgreSQL instead, and the server follows it with --sync-from, as in production.
// Only 127.0.0.1 is ever targeted.
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { seedSqlite } from "../src/seed/sqlite.ts";
import { startServeProcess } from "../tests/support/serve-process.ts";
import { runWrk } from "./wrk.ts";

const root = join(import.meta.dir, "..");
const work = join(root, ".bench", "soak");

if (process.argv[2] === "--writer") await writer(process.argv[3]!);
else if (process.argv[2] === "--forge-writer") await forgeWriter(process.argv[3]!);
else await soak();

// ---- the writer process ---------------------------------------------------------------------

/** Changes the file until SIGTERM, then prints what it did as one JSON line. */
async function writer(file: string): Promise<void> {
  const db = new Database(file, { strict: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA busy_timeout = 5000");
  const columns = (table: string) => db.query<{ name: string }, []>(`PRAGMA table_info(${table})`).all().map((c) => c.name);
  const copy = (table: string, replaced: Record<string, string>) => {
    const cols = columns(table);
    return `INSERT INTO ${table} (${cols.join(", ")}) SELECT ${cols.map((c) => replaced[c] ?? c).join(", ")} FROM ${table}`;
  };
  const maxId = (table: string) => db.query<{ m: number }, []>(`SELECT coalesce(max(id), 0) AS m FROM ${table}`).get()!.m;
  let nextRun = maxId("workflow_runs") + 1_000_000;
  let nextJob = maxId("workflow_jobs") + 1_000_000;
  const templates = db.query<{ id: number }, []>("SELECT id FROM workflow_runs WHERE id IN (SELECT DISTINCT run_id FROM workflow_jobs) ORDER BY random() LIMIT 500").all().map((r) => r.id);

  const insertRun = db.query(copy("workflow_runs", {
    id: "$id", run_number: "(SELECT max(run_number) + 1 FROM workflow_runs w2 WHERE w2.repo_id = workflow_runs.repo_id)",
    status: "'queued'", conclusion: "NULL", run_attempt: "1", started_at: "NULL", completed_at: "NULL", created_at: "$now", updated_at: "$now",
  }) + " WHERE id = $template");
  const jobsOf = db.query<{ id: number }, { $run: number }>("SELECT id FROM workflow_jobs WHERE run_id = $run AND run_attempt = 1");
  const insertJob = db.query(copy("workflow_jobs", {
    id: "$id", run_id: "$run", run_attempt: "1", status: "'queued'", conclusion: "NULL", started_at: "NULL", completed_at: "NULL", created_at: "$now", updated_at: "$now",
  }) + " WHERE id = $template");
  const insertSteps = db.query(copy("workflow_steps", { job_id: "$job", status: "'queued'", conclusion: "NULL", started_at: "NULL", completed_at: "NULL", updated_at: "$now" }) + " WHERE job_id = $template");
  const start = db.query("UPDATE workflow_runs SET status = 'running', started_at = $now, updated_at = $now WHERE id = $id");
  const startJobs = db.query("UPDATE workflow_jobs SET status = 'running', started_at = $now, updated_at = $now WHERE run_id = $id");
  const finish = db.query("UPDATE workflow_runs SET status = 'completed', conclusion = $conclusion, completed_at = $now, updated_at = $now WHERE id = $id");
  const finishJobs = db.query("UPDATE workflow_jobs SET status = 'completed', conclusion = $conclusion, completed_at = $now, updated_at = $now WHERE run_id = $id");
  const finishSteps = db.query("UPDATE workflow_steps SET status = 'completed', conclusion = $conclusion, completed_at = $now, updated_at = $now WHERE job_id IN (SELECT id FROM workflow_jobs WHERE run_id = $id)");
  const deleteSteps = db.query("DELETE FROM workflow_steps WHERE job_id IN (SELECT id FROM workflow_jobs WHERE run_id = $id)");
  const deleteJobs = db.query("DELETE FROM workflow_jobs WHERE run_id = $id");
  const deleteRun = db.query("DELETE FROM workflow_runs WHERE id = $id");

  const queued: number[] = [];
  const running: number[] = [];
  const completed: number[] = [];
  const done = { transactions: 0, runsInserted: 0, runsCompleted: 0, runsDeleted: 0 };
  const step = db.transaction((now: number) => {
    const template = templates[done.transactions % templates.length]!;
    const run = nextRun++;
    insertRun.run({ $id: run, $now: now, $template: template });
    for (const { id } of jobsOf.all({ $run: template })) {
      const job = nextJob++;
      insertJob.run({ $id: job, $run: run, $now: now, $template: id });
      insertSteps.run({ $job: job, $now: now, $template: id });
    }
    queued.push(run);
    done.runsInserted++;
    if (queued.length > 5) {
      const id = queued.shift()!;
      start.run({ $id: id, $now: now });
      startJobs.run({ $id: id, $now: now });
      running.push(id);
    }
    if (running.length > 5) {
      const id = running.shift()!;
      const conclusion = done.transactions % 5 === 0 ? "failure" : "success";
      finish.run({ $id: id, $now: now, $conclusion: conclusion });
      finishJobs.run({ $id: id, $now: now, $conclusion: conclusion });
      finishSteps.run({ $id: id, $now: now, $conclusion: conclusion });
      completed.push(id);
      done.runsCompleted++;
    }
    // Keep the file's size steady: the oldest written runs go again.
    if (completed.length > 200) {
      const id = completed.shift()!;
      deleteSteps.run({ $id: id });
      deleteJobs.run({ $id: id });
      deleteRun.run({ $id: id });
      done.runsDeleted++;
    }
    done.transactions++;
  });

  let stopping = false;
  process.on("SIGTERM", () => (stopping = true));
  while (!stopping) {
    step(Date.now());
    await Bun.sleep(10);
  }
  db.close();
  console.log(JSON.stringify(done));
}

/** The same life cycle written into the forge's PostgreSQL, one forge transaction per step. */
async function forgeWriter(url: string): Promise<void> {
  const { SQL } = await import("bun");
  const sql = new SQL(url, { max: 1 });
  const [{ run: maxRun }] = await sql`SELECT coalesce(max(id), 0)::bigint AS run FROM workflow_runs`;
  const [{ job: maxJob }] = await sql`SELECT coalesce(max(id), 0)::bigint AS job FROM workflow_jobs`;
  let nextRun = Number(maxRun) + 1_000_000;
  let nextJob = Number(maxJob) + 1_000_000;
  const templates = (await sql`SELECT DISTINCT run_id AS id FROM workflow_jobs ORDER BY run_id LIMIT 500`).map((r: { id: string }) => Number(r.id));
  const queued: number[] = [];
  const running: number[] = [];
  const completed: number[] = [];
  const done = { transactions: 0, runsInserted: 0, runsCompleted: 0, runsDeleted: 0 };
  let stopping = false;
  process.on("SIGTERM", () => (stopping = true));
  while (!stopping) {
    await sql.begin(async (tx) => {
      const template = templates[done.transactions % templates.length]!;
      const run = nextRun++;
      await tx`INSERT INTO workflow_runs (id, repo_id, workflow_id, run_number, run_attempt, workflow_file, workflow_name, display_title,
                 head_sha, head_ref, event, status, conclusion, actor_id, triggering_actor_id, created_at)
               SELECT ${run}, repo_id, workflow_id, run_number + 100000, 1, workflow_file, workflow_name, display_title,
                 head_sha, head_ref, event, 'queued', NULL, actor_id, triggering_actor_id, now() FROM workflow_runs WHERE id = ${template}`;
      for (const { id } of await tx`SELECT id FROM workflow_jobs WHERE run_id = ${template} AND run_attempt = 1`) {
        const job = nextJob++;
        await tx`INSERT INTO workflow_jobs (id, run_id, run_attempt, job_index, job_key, job_name, runs_on, status, needs_jobs)
                 SELECT ${job}, ${run}, 1, job_index, job_key, job_name, runs_on, 'queued', needs_jobs FROM workflow_jobs WHERE id = ${id}`;
        await tx`INSERT INTO workflow_steps (job_id, number, name, status) SELECT ${job}, number, name, 'queued' FROM workflow_steps WHERE job_id = ${id}`;
      }
      queued.push(run);
      done.runsInserted++;
      if (queued.length > 5) {
        const id = queued.shift()!;
        await tx`UPDATE workflow_runs SET status = 'running', started_at = now() WHERE id = ${id}`;
        await tx`UPDATE workflow_jobs SET status = 'running', started_at = now() WHERE run_id = ${id}`;
        running.push(id);
      }
      if (running.length > 5) {
        const id = running.shift()!;
        const conclusion = done.transactions % 5 === 0 ? "failure" : "success";
        await tx`UPDATE workflow_runs SET status = 'completed', conclusion = ${conclusion}, completed_at = now() WHERE id = ${id}`;
        await tx`UPDATE workflow_jobs SET status = 'completed', conclusion = ${conclusion}, completed_at = now() WHERE run_id = ${id}`;
        completed.push(id);
        done.runsCompleted++;
      }
      // The forge's cascades delete the jobs and steps; the sync sees each in deleted_rows.
      if (completed.length > 200) {
        await tx`DELETE FROM workflow_runs WHERE id = ${completed.shift()!}`;
        done.runsDeleted++;
      }
    });
    done.transactions++;
    await Bun.sleep(10);
  }
  await sql.close();
  console.log(JSON.stringify(done));
}

// ---- the soak -------------------------------------------------------------------------------

interface Sample { at: number; rssMiB: number; heapMiB?: number }

async function soak(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      seconds: { type: "string", default: "60" },
      connections: { type: "string", default: "64" },
      repos: { type: "string", default: "200" },
      runs: { type: "string", default: "50000" },
      exe: { type: "string" },
      // The forge's PostgreSQL written continuously and followed by serve --sync-from, instead
      // of a process writing the SQLite file directly.
      sync: { type: "boolean", default: false },
    },
  });
  mkdirSync(work, { recursive: true });
  const seconds = Number(args.seconds);
  const connections = Number(args.connections);

  const exe = args.exe ?? join(work, "actions-runs");
  if (!args.exe) {
    say("building the executable");
    await run([process.execPath, "scripts/build.ts", exe]);
  }

  const seeded = join(work, `seed-${args.repos}-${args.runs}.sqlite`);
  if (!existsSync(seeded)) {
    say(`seeding ${args.repos} repositories, ${args.runs} runs`);
    await seedSqlite(seeded, { repos: Number(args.repos), runs: Number(args.runs), seed: 7 });
  }
  const file = join(work, "soak.sqlite");
  for (const suffix of ["", "-wal", "-shm"]) if (existsSync(file + suffix)) await Bun.file(file + suffix).delete();
  let forge: { adminUrl: string; readerUrl: string; destroy(): Promise<void> } | null = null;
  if (args.sync) {
    const { findPostgres, startTestPostgres } = await import("../tests/support/postgres.ts");
    const binaries = findPostgres();
    if (!binaries) throw new Error("--sync needs PostgreSQL (initdb, pg_ctl)");
    say("starting PostgreSQL and seeding the forge");
    const pg = await startTestPostgres(binaries);
    const db = await pg.createDatabase("soak");
    const { seedPostgres } = await import("../src/seed/postgres.ts");
    await seedPostgres(db.adminUrl, { repos: Number(args.repos), runs: Number(args.runs), seed: 7 });
    forge = { adminUrl: db.adminUrl, readerUrl: db.readerUrl, destroy: () => pg.destroy() };
  } else {
    const source = new Database(seeded, { readonly: true });
    source.run(`VACUUM INTO '${file.replaceAll("'", "''")}'`);
    source.close();
    new Database(file).run("PRAGMA journal_mode = WAL");
  }

  say(forge ? "starting the server, following PostgreSQL" : "starting the server");
  let requestLines = 0;
  // One process: its memory is the one sampled, as before workers existed.
  const service = await startServeProcess([exe, "serve", "--db", file, "--host", "127.0.0.1", "--port", "0", "--workers", "1",
    ...(forge ? ["--sync-from", forge.readerUrl] : []),
    // Limits on, as in production, with budgets this load stays inside.
    "--rate-limit", "1000000000", "--rate-limit-anonymous", "1000000000", "--rate-limit-per-minute", "1000000000"],
  { env: { PATH: process.env.PATH ?? "" }, stdout: { onLine: (line) => void (line.includes('"event":"request"') && requestLines++) }, startTimeoutMs: 60_000 });
  const server = service.proc;
  const base = service.url!;
  if (!base.startsWith("http://127.0.0.1:")) throw new Error(`not a loopback address: ${base}`);
  if (forge) {
    const deadline = Date.now() + 120_000;
    while ((await fetch(`${base}/readyz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error("the sync did not catch up within 2 minutes");
      await Bun.sleep(200);
    }
  }

  const requestsFile = join(work, "requests.tsv");
  const mix = await requestMix(base, file);
  writeFileSync(requestsFile, mix.lines.join("\n") + "\n");
  say(`${mix.lines.length} requests in the mix (${mix.routes} routes × repositories × credentials)`);

  say("starting the writer");
  const writerProc = forge
    ? Bun.spawn([process.execPath, import.meta.path, "--forge-writer", forge.adminUrl], { stdout: "pipe", stderr: "inherit" })
    : Bun.spawn([process.execPath, import.meta.path, "--writer", file], { stdout: "pipe", stderr: "inherit" });

  const samples: Sample[] = [];
  const sample = async () => samples.push({ at: Math.round(performance.now() / 1000), rssMiB: rssMiB(server.pid), heapMiB: await heapMiB(base) });
  await sample();
  say("warming up (5 s)");
  await wrk(base, requestsFile, connections, 5);
  await sample();
  say(`soaking: ${seconds} s at ${connections} connections`);
  const sampler = setInterval(() => void sample(), 5000);
  const result = await wrk(base, requestsFile, connections, seconds);
  clearInterval(sampler);
  await sample();

  const metrics = await (await fetch(`${base}/metrics`)).text();
  writerProc.kill("SIGTERM");
  const writerStats = JSON.parse((await new Response(writerProc.stdout).text()).trim() || "{}");
  const readiness = forge ? await (await fetch(`${base}/readyz`)).json() : null;
  server.kill("SIGTERM");
  const exitCode = await server.exited;
  await forge?.destroy();

  const serverSide = statusClasses(metrics);
  const report = {
    seconds, connections,
    requests: result.requests, rps: result.rps, latency: result.latency,
    clientStatuses: result.statuses, socketErrors: result.socketErrors,
    serverStatuses: serverSide, rejectedByLimits: sumMetric(metrics, "actions_runs_http_requests_rejected_total"),
    errors: result.statuses["5xx"]! + result.socketErrors,
    requestLogLines: requestLines,
    writer: writerStats,
    sync: readiness,
    memory: { beforeLoad: samples[0], afterWarmup: samples[1], end: samples.at(-1), samples },
    serverExit: exitCode,
  };
  console.log(JSON.stringify(report, null, 2));
  const flat = report.memory.end!.rssMiB - report.memory.afterWarmup!.rssMiB;
  say(`errors: ${report.errors} (5xx ${result.statuses["5xx"]}, socket ${result.socketErrors}); rejected by limits: ${report.rejectedByLimits}`);
  say(`memory (RSS): ${report.memory.afterWarmup!.rssMiB} MiB after warm-up → ${report.memory.end!.rssMiB} MiB at the end (${flat >= 0 ? "+" : ""}${flat.toFixed(1)} MiB)`);
  say(`writer: ${writerStats.transactions} transactions, ${writerStats.runsInserted} runs written, ${writerStats.runsCompleted} completed, ${writerStats.runsDeleted} deleted`);
  process.exit(report.errors === 0 && exitCode === 0 ? 0 : 1);
}

/** Every route of both surfaces, filled with ids that exist, for each kind of caller. */
async function requestMix(base: string, file: string): Promise<{ lines: string[]; routes: number }> {
  const doc = (await (await fetch(`${base}/openapi/json`)).json()) as { paths: Record<string, unknown> };
  const templates = Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, ":$1"));
  const routes = [...templates, ...templates.filter((t) => t.startsWith("/api/v3/")).map((t) => t.slice("/api/v3".length))];
  const db = new Database(file, { readonly: true });
  const sample = (owner: string, name: string, n: number) => db.query<{ run: number; job: number; workflow: number; attempt: number }, [string, string, number]>(`
    SELECT w.id AS run, (SELECT min(j.id) FROM workflow_jobs j WHERE j.run_id = w.id) AS job, w.workflow_id AS workflow, w.run_attempt AS attempt
    FROM workflow_runs w JOIN repositories r ON r.id = w.repo_id JOIN accounts a ON a.id = r.owner_id
    WHERE a.login = ? AND r.name = ? AND EXISTS (SELECT 1 FROM workflow_jobs j WHERE j.run_id = w.id)
    ORDER BY w.id DESC LIMIT ?`).all(owner, name, n);
  const generated = db.query<{ owner: string; name: string }, []>(`
    SELECT a.login AS owner, r.name FROM repositories r JOIN accounts a ON a.id = r.owner_id
    WHERE r.id >= 1000 AND r.visibility = 'public' AND r.deleted_at IS NULL AND r.actions_enabled = 1 LIMIT 10`).all();
  // Who asks what: readers of each kind, a hidden repository, no token, a bad token.
  const callers: [string, string][] = [
    ["demo_alice_repo", "alice/hello-world"], ["demo_alice_read", "alice/secret-project"], ["demo_bob_read", "alice/secret-project"],
    ["demo_carol_read", "octo-org/infra"], ["demo_carol_read", "octo-org/platform"], ["demo_erin_admin", "frank/dotfiles"],
    ["demo_frank_read", "alice/secret-project"], ["-", "alice/hello-world"], ["not-a-token", "alice/hello-world"],
    ...generated.map((g): [string, string] => ["demo_bob_read", `${g.owner}/${g.name}`]),
  ];
  const queries = ["", "?per_page=100", "?status=completed&per_page=50", "?page=2", "?event=push", "?per_page=5&page=3"];
  const lines: string[] = [];
  for (const [token, repo] of callers) {
    const [owner, name] = repo.split("/") as [string, string];
    for (const ids of sample(owner, name, 3)) {
      for (const [i, route] of routes.entries()) {
        const path = route.replace(":owner", owner).replace(":repo", name).replace(/:run_id|:check_run_id/, String(ids.run))
          .replace(":job_id", String(ids.job)).replace(":workflow_id", String(ids.workflow)).replace(":attempt_number", String(ids.attempt));
        const query = route.endsWith("/runs") || route.endsWith("/jobs") ? queries[(i + ids.run) % queries.length]! : "";
        lines.push(`${token}\t-\t${path}${query}`);
      }
    }
  }
  // Conditional requests, as pollers make them: a quarter of the lines again, with the ETag they had.
  for (const line of lines.filter((_, i) => i % 4 === 0)) {
    const [token, , path] = line.split("\t") as [string, string, string];
    const res = await fetch(`${base}${path}`, { headers: token === "-" ? {} : { authorization: `token ${token}` } });
    await res.arrayBuffer();
    const etag = res.headers.get("etag");
    if (etag) lines.push(`${token}\t${etag.replaceAll(" ", "")}\t${path}`);
  }
  lines.push("-\t-\t/healthz", "-\t-\t/readyz");
  db.close();
  return { lines, routes: routes.length };
}

interface WrkResult { requests: number; rps: number; latency: Record<string, string>; statuses: Record<string, number>; socketErrors: number }

/** The request mix of soak.lua; it prints the answers' status classes (2xx=N …) itself. */
async function wrk(base: string, requestsFile: string, connections: number, seconds: number): Promise<WrkResult> {
  const run = await runWrk(base, {
    threads: 2, connections, seconds, timeoutSeconds: 10, script: join(import.meta.dir, "soak.lua"), env: { SOAK_REQUESTS: requestsFile },
  });
  const statuses: Record<string, number> = {};
  for (const [, cls, n] of run.stdout.matchAll(/(\dxx)=(\d+)/g)) statuses[cls!] = Number(n);
  return { requests: run.requests || 0, rps: run.rps || 0, latency: run.latency, statuses, socketErrors: run.socketErrors };
}

/** The server's own count of answers by status class, from /metrics. */
function statusClasses(metrics: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, status, n] of metrics.matchAll(/^actions_runs_http_requests_total\{[^}]*status="(\d)\d\d"\} (\d+)$/gm)) {
    out[`${status}xx`] = (out[`${status}xx`] ?? 0) + Number(n);
  }
  return out;
}

function sumMetric(metrics: string, name: string): number {
  let total = 0;
  for (const [, n] of metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))) total += Number(n);
  return total;
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

async function heapMiB(base: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const bytes = Number(/^actions_runs_js_heap_used_bytes (\S+)$/m.exec(text)?.[1]);
  return Number.isFinite(bytes) ? Math.round((bytes / 1048576) * 10) / 10 : undefined;
}

async function run(argv: string[]): Promise<void> {
  const proc = Bun.spawn(argv, { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${argv.join(" ")} failed (${code}):\n${out}\n${err}`);
}

function say(message: string): void {
  console.error(`[soak] ${message}`);
}
