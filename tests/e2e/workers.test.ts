// `serve --workers N`, the compiled executable: N processes answer on one port, each naming
// itself in its log lines and on /metrics; a commit to the file is seen by every one; a worker
// killed with -9 is restarted and logged; SIGTERM stops them all and leaves no process, and so
// does a supervisor killed with -9; under --sync-from exactly one of them follows PostgreSQL.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { defaults } from "../../src/defaults.ts";
import { seedPostgres } from "../../src/seed/postgres.ts";
import { compiledExecutable, startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededCopy } from "../support/db.ts";
import { postgresForTests, startTestPostgres } from "../support/postgres.ts";
import type { TestDatabase, TestPostgres } from "../support/postgres.ts";
import { startServeProcess } from "../support/serve-process.ts";
import { ownProcess, removeTempDir, tempDir } from "../support/temp.ts";
import { buildsTheExecutable, startsPostgres } from "../support/timeouts.ts";
import { until } from "../support/wait.ts";

const auth = { authorization: "token demo_alice_repo" };
const runs = "/api/v1/repos/alice/hello-world/actions/runs";

interface Line { event: string; worker?: number | "supervisor"; [field: string]: unknown }

/** The server's JSON log lines so far. */
function lines(server: RunningServer): Line[] {
  return server.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);
}

function started(server: RunningServer): Line {
  return lines(server).find((l) => l.event === "started")!;
}

/** Whether a process is there (a zombie not yet reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ")[1]);
}

/** New connections until every worker has answered one: the kernel spreads them over the workers. */
async function everyWorkerAnswers(server: RunningServer, workers: number): Promise<Set<string>> {
  const seen = new Set<string>();
  let round = 0;
  await until(`all ${workers} workers answering`, async () => {
    for (const a of await askAround(server, `${runs}?per_page=1`, 4, `every-${workers}-${round++}`)) seen.add(String(a.worker));
    return seen.size === workers ? true : undefined;
  });
  return seen;
}

/** Requests on new connections, each with its own request id, and which worker logged each one. */
async function askAround(server: RunningServer, path: string, n: number, tag: string): Promise<{ status: number; body: string; worker: number }[]> {
  const answers: { id: string; status: number; body: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${tag}-${i}`;
    const res = await fetch(`${server.url}${path}`, { headers: { ...auth, connection: "close", "x-request-id": id } });
    answers.push({ id, status: res.status, body: await res.text() });
  }
  // Request lines are written within 50 ms, each worker's on its own.
  for (const a of answers) await server.waitForOutput(`"request_id":"${a.id}"`);
  const byId = new Map(lines(server).filter((l) => l.event === "request").map((l) => [l.request_id as string, l.worker as number]));
  return answers.map((a) => ({ status: a.status, body: a.body, worker: byId.get(a.id)! }));
}

describe("two workers of one file", () => {
  let server: RunningServer;
  let file: string;
  let pids: number[];
  beforeAll(async () => {
    file = await seededCopy();
    server = await startServer(["--db", file, "--workers", "2", "--rate-limit", "0", "--rate-limit-per-minute", "0"]);
    pids = started(server).pids as number[];
  }, buildsTheExecutable);
  afterAll(async () => {
    if (server.proc.exitCode === null) await server.stop();
    removeTempDir(join(file, ".."));
  });

  test("both answer on the one port, each its own process, and every log line names its worker", async () => {
    const start = started(server);
    expect(start).toMatchObject({ worker: "supervisor", workers: 2, database: file, listening: [`${server.url}/`] });
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);
    for (const pid of pids) expect(parentOf(pid)).toBe(server.proc.pid);
    expect(await everyWorkerAnswers(server, 2)).toEqual(new Set(["0", "1"]));
    const answered = await askAround(server, `${runs}?per_page=3`, 30, "both");
    expect(answered.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answered.map((a) => a.worker))).toEqual(new Set([0, 1]));
    const all = lines(server);
    expect(all.filter((l) => l.worker === undefined)).toEqual([]);
    expect(all.filter((l) => l.event === "worker_started").map((l) => l.worker).sort()).toEqual([0, 1]);
    // Only the supervisor says `started`, after every worker has said `worker_started`.
    expect(all.filter((l) => l.event === "started")).toHaveLength(1);
  });

  test("each worker's collector is told its share of the machine's memory (src/runtime/bun/workers.ts), the supervisor's left alone", () => {
    const environment = (pid: number) => new Map(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    const expected = String(Math.floor(Math.min(totalmem() / 2, 2 * 1024 ** 3 + 16 * defaults.responseCacheBytes)));
    for (const pid of pids) expect(environment(pid).get("BUN_JSC_forceRAMSize")).toBe(expected);
    expect(environment(server.proc.pid).has("BUN_JSC_forceRAMSize")).toBe(false);
  });

  test("one scrape of /metrics, whichever worker takes it, holds every worker's samples, each family once", async () => {
    const answered = await askAround(server, `${runs}?per_page=2`, 20, "counted");
    const texts = await Promise.all(Array.from({ length: 6 }, async () => (await fetch(`${server.url}/metrics`, { headers: { connection: "close" } })).text()));
    const route = "/api/v1/repos/:owner/:repo/actions/runs";
    const served = (text: string, worker: number) => {
      const pattern = new RegExp(`^actions_runs_http_requests_total\\{worker="${worker}",route="${route.replaceAll("/", "\\/")}",status="200"\\} (\\d+)$`, "m");
      return Number(pattern.exec(text)?.[1] ?? 0);
    };
    for (const text of texts) {
      expect(text.match(/^# TYPE actions_runs_http_requests_total /gm)).toHaveLength(1);
      expect(text).toMatch(/^actions_runs_workers\{worker="0"\} 2$/m);
      expect(text).toMatch(/^actions_runs_workers\{worker="1"\} 2$/m);
      // Each worker's count holds at least the requests its log lines say it answered.
      for (const worker of [0, 1]) expect(served(text, worker)).toBeGreaterThanOrEqual(answered.filter((a) => a.worker === worker).length);
    }
  });

  test("a commit to the file is seen by both workers", async () => {
    const before = await askAround(server, `${runs}?per_page=1`, 1, "before");
    const newest = (JSON.parse(before[0]!.body) as { id: number; display_title: string }[])[0]!;
    const title = `seen by every worker ${Date.now()}`;
    const writer = new Database(file);
    writer.run("UPDATE workflow_runs SET display_title = ?, updated_at = updated_at + 1 WHERE id = ?", [title, newest.id]);
    writer.close();
    // Each worker notices the commit within milliseconds: ask until a first answer has it, then every one must.
    await until("the commit seen", async () => {
      const [a] = await askAround(server, `${runs}?per_page=1`, 1, `wait-${Math.random()}`);
      return (JSON.parse(a!.body) as { display_title: string }[])[0]!.display_title === title ? true : undefined;
    });
    await Bun.sleep(50);
    const after = await askAround(server, `${runs}?per_page=1`, 30, "after");
    expect(new Set(after.map((a) => a.worker))).toEqual(new Set([0, 1]));
    expect(after.map((a) => (JSON.parse(a.body) as { display_title: string }[])[0]!.display_title)).toEqual(after.map(() => title));
  });

  test("a worker killed with -9 is logged and restarted, later deaths after longer delays; then every request is answered by both again", async () => {
    const victim = pids[1]!;
    process.kill(victim, "SIGKILL");
    await server.waitForOutput(`"event":"worker_restarted"`);
    const exited = lines(server).find((l) => l.event === "worker_exited")!;
    expect(exited).toMatchObject({ worker: "supervisor", child: 1, pid: victim, code: null, signal: "SIGKILL" });
    expect(exited.restart_in_ms as number).toBeGreaterThan(0);
    const restarted = lines(server).find((l) => l.event === "worker_restarted")!;
    expect(restarted).toMatchObject({ worker: "supervisor", child: 1 });
    const fresh = restarted.pid as number;
    expect(fresh).not.toBe(victim);
    expect(alive(victim)).toBe(false);
    expect(parentOf(fresh)).toBe(server.proc.pid);
    // Killed again soon after: restarted again, after twice the delay (a crash loop does not spin).
    process.kill(fresh, "SIGKILL");
    await until("the second restart", async () => (lines(server).filter((l) => l.event === "worker_restarted").length === 2 ? true : undefined));
    const exits = lines(server).filter((l) => l.event === "worker_exited");
    expect(exits[1]).toMatchObject({ child: 1, pid: fresh, signal: "SIGKILL", restart_in_ms: 2 * (exited.restart_in_ms as number) });
    const again = lines(server).filter((l) => l.event === "worker_restarted")[1]!.pid as number;
    pids = [pids[0]!, again];
    expect(await everyWorkerAnswers(server, 2)).toEqual(new Set(["0", "1"]));
    const answered = await askAround(server, `${runs}?per_page=2`, 40, "restarted");
    expect(answered.filter((a) => a.status !== 200)).toEqual([]);
    expect(new Set(answered.map((a) => a.worker))).toEqual(new Set([0, 1]));
  });

  test("SIGTERM to the supervisor stops every worker gracefully and leaves no process", async () => {
    expect(await server.stop("SIGTERM")).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    const all = lines(server);
    const stopped = all.find((l) => l.event === "stopped" && l.worker === "supervisor")!;
    expect(stopped.workers).toEqual(pids.map((pid, worker) => ({ worker, pid, code: 0, signal: null })));
    // Each worker drained and stopped on its own.
    for (const worker of [0, 1]) {
      expect(all.some((l) => l.event === "draining" && l.worker === worker)).toBe(true);
      expect(all.some((l) => l.event === "stopped" && l.worker === worker)).toBe(true);
    }
  });
});

test("workers whose supervisor is killed with -9 stop by themselves", async () => {
  const server = await startServer(["--workers", "2"]);
  const pids = started(server).pids as number[];
  await everyWorkerAnswers(server, 2);
  server.proc.kill("SIGKILL");
  await server.proc.exited;
  await until("both workers gone", async () => (pids.every((pid) => !alive(pid)) ? true : undefined));
  await server.stop();
});

test("without --workers, as many workers as the machine has cores (one process on a single core)", async () => {
  const exe = await compiledExecutable();
  const cwd = tempDir("cwd");
  let out = "";
  const server = await startServeProcess([exe, "serve", "--port", "0"], { cwd, env: { PATH: process.env.PATH ?? "" }, stdout: { onLine: (l) => (out += l + "\n") } });
  ownProcess(server.proc);
  try {
    const cores = availableParallelism();
    if (cores > 1) {
      expect(server.started).toMatchObject({ worker: "supervisor", workers: cores });
      // One scrape of /metrics answers for every worker.
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(new Set(text.match(/^actions_runs_workers\{worker="\d+"\}/gm))).toHaveProperty("size", cores);
    } else {
      expect(server.started.workers).toBeUndefined();
    }
    expect(out).toContain("demo_alice_repo");
    // The demo tokens are printed once, by the supervisor.
    expect(out.split("demo_alice_repo").length).toBe(2);
  } finally {
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    await server.drained;
    removeTempDir(cwd);
  }
});

test("a unix socket is served by one process: --workers 2 with it is refused", async () => {
  const exe = await compiledExecutable();
  const proc = Bun.spawnSync([exe, "serve", "--unix-socket", "/nonexistent/x.sock", "--workers", "2"], { env: { PATH: process.env.PATH ?? "" }, stderr: "pipe" });
  expect(proc.exitCode).toBe(2);
  expect(proc.stderr.toString()).toContain("a unix socket is served by one process");
});

describe("--workers 2 --sync-from", () => {
  const { binaries } = postgresForTests();
  let pg: TestPostgres;
  let db: TestDatabase;
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    if (!binaries) return;
    pg = await startTestPostgres(binaries);
    db = await pg.createDatabase("workers_sync");
    await seedPostgres(db.adminUrl, { repos: 3, runs: 100, seed: 5 });
    dir = tempDir("workers-sync");
    server = await startServer(["--db", join(dir, "runs.sqlite"), "--sync-from", db.readerUrl, "--workers", "2"]);
  }, startsPostgres + buildsTheExecutable);
  afterAll(async () => {
    await server?.stop();
    await pg?.destroy();
    if (dir) removeTempDir(dir);
  });

  test.skipIf(!binaries)("exactly one worker follows PostgreSQL; both serve what it copies and turn ready", async () => {
    // Each worker reads the one sync's heartbeat from the file: both say ready.
    await until("both workers ready", async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return /^actions_runs_sync_ready\{worker="0"\} 1$/m.test(text) && /^actions_runs_sync_ready\{worker="1"\} 1$/m.test(text) ? true : undefined;
    });
    const admin = new SQL(db.adminUrl, { max: 1 });
    try {
      const [{ n }] = await admin`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'actions-runs-sync'`;
      expect(n).toBe(1);
      // A change in the forge reaches every worker, through the one sync.
      const [run] = await admin`SELECT r.id FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id JOIN accounts a ON a.id = p.owner_id
        WHERE a.login = 'alice' AND p.name = 'hello-world' ORDER BY r.created_at DESC, r.id DESC LIMIT 1`;
      const title = `synced to every worker ${Date.now()}`;
      await admin`UPDATE workflow_runs SET display_title = ${title} WHERE id = ${run.id}`;
      await until("the change copied", async () => {
        const [a] = await askAround(server, `${runs}?per_page=1`, 1, `sync-wait-${Math.random()}`);
        return (JSON.parse(a!.body) as { display_title: string }[])[0]!.display_title === title ? true : undefined;
      });
      await Bun.sleep(50);
      const after = await askAround(server, `${runs}?per_page=1`, 30, "sync-after");
      expect(new Set(after.map((a) => a.worker))).toEqual(new Set([0, 1]));
      expect(after.map((a) => (JSON.parse(a.body) as { display_title: string }[])[0]!.display_title)).toEqual(after.map(() => title));
    } finally {
      await admin.close();
    }
    const all = lines(server);
    const syncLines = all.filter((l) => l.event.startsWith("sync_"));
    expect(syncLines.length).toBeGreaterThan(0);
    expect(syncLines.filter((l) => l.worker !== 0)).toEqual([]);
    const configs = all.filter((l) => l.event === "worker_started").map((l) => [l.worker, (l.config as Record<string, unknown>)["sync-from"] !== null]);
    expect(configs.sort()).toEqual([[0, true], [1, false]]);
    expect(server.output()).not.toContain("reader-s3cret");
  });
});
