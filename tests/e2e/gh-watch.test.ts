// `gh run watch` on runs that finish while it watches: the compiled server reads a SQLite
// file (WAL) that this test writes through its own connection, as the sync would.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededCopy } from "../support/db.ts";
import { gh, ghBinary, spawnGh } from "../support/gh.ts";
import type { GhTarget } from "../support/gh.ts";
import { tempDir } from "../support/temp.ts";
import { buildsTheExecutable } from "../support/timeouts.ts";

let server: RunningServer | undefined;
let writer: Database;
const target: GhTarget = { host: "forge.test" };

beforeAll(async () => {
  if (!ghBinary) return;
  const copy = await seededCopy();
  writer = new Database(copy);
  writer.run("PRAGMA busy_timeout = 5000");
  expect(writer.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
  target.unixSocket = join(tempDir("sock"), "api.sock");
  server = await startServer(["--db", copy, "--unix-socket", target.unixSocket]);
}, buildsTheExecutable);

afterAll(async () => {
  await server?.stop();
  writer?.close();
});

interface RunRow { id: number; run_attempt: number; head_ref: string; workflow: string; started_at: number | null; created_at: number }

function runningRuns(): RunRow[] {
  return writer.query<RunRow, []>(
    `SELECT r.id, r.run_attempt, r.head_ref, w.name AS workflow, r.started_at, r.created_at
       FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
       JOIN repositories p ON p.id = r.repo_id JOIN accounts a ON a.id = p.owner_id
      WHERE a.login = 'alice' AND p.name = 'hello-world' AND r.status = 'running'
      ORDER BY r.created_at DESC`,
  ).all();
}

/** The run, its latest attempt's jobs and their steps reach `completed`, as the forge would write them. */
function complete(run: RunRow, conclusion: "success" | "failure") {
  const at = Math.max(run.started_at ?? run.created_at, run.created_at) + 60_000;
  writer.transaction(() => {
    writer.run(
      `UPDATE workflow_steps SET status = 'completed', conclusion = coalesce(conclusion, 'success'),
         started_at = coalesce(started_at, ?1), completed_at = coalesce(completed_at, ?1), updated_at = ?1
       WHERE job_id IN (SELECT id FROM workflow_jobs WHERE run_id = ?2 AND run_attempt = ?3)`, [at, run.id, run.run_attempt]);
    writer.run(
      `UPDATE workflow_jobs SET status = 'completed', conclusion = coalesce(conclusion, 'success'),
         started_at = coalesce(started_at, ?1), completed_at = coalesce(completed_at, ?1), updated_at = ?1
       WHERE run_id = ?2 AND run_attempt = ?3`, [at, run.id, run.run_attempt]);
    if (conclusion === "failure") {
      writer.run(
        `UPDATE workflow_jobs SET conclusion = 'failure'
         WHERE id = (SELECT id FROM workflow_jobs WHERE run_id = ?1 AND run_attempt = ?2 ORDER BY job_index DESC LIMIT 1)`,
        [run.id, run.run_attempt]);
    }
    writer.run(
      "UPDATE workflow_runs SET status = 'completed', conclusion = ?1, completed_at = ?2, updated_at = ?2 WHERE id = ?3",
      [conclusion, at, run.id]);
  })();
}

/** gh's output so far, read as it comes, and its exit. */
function watching(id: number) {
  const proc = spawnGh(["run", "watch", String(id), "--exit-status", "-i", "1"], target);
  let stdout = "";
  const decoder = new TextDecoder();
  const read = (async () => {
    const reader = proc.stdout.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) stdout += decoder.decode(chunk.value);
  })();
  const stderr = new Response(proc.stderr).text();
  return {
    output: () => stdout,
    async exit(timeoutMs: number) {
      const timer = setTimeout(() => proc.kill(), timeoutMs);
      const code = await proc.exited;
      clearTimeout(timer);
      await read;
      return { code, stdout, stderr: await stderr };
    },
  };
}

async function until(condition: () => boolean, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("timed out waiting");
    await Bun.sleep(50);
  }
}

test.skipIf(!ghBinary)("gh run watch --exit-status follows runs to the end: 0 on success, 1 on failure", async () => {
  const [passing, failing] = runningRuns();
  expect(failing).toBeDefined();
  const watches = [watching(passing!.id), watching(failing!.id)];
  // Both have seen their run in progress before anything changes.
  await until(() => watches.every((w) => /Refreshing run status/.test(w.output())), 15_000);
  expect(watches[0]!.output()).toContain(`* ${passing!.head_ref} ${passing!.workflow} · ${passing!.id}`);

  complete(passing!, "success");
  complete(failing!, "failure");
  const [passed, failed] = await Promise.all(watches.map((w) => w.exit(20_000)));

  expect(passed!.code).toBe(0);
  expect(passed!.stdout).toContain(`✓ ${passing!.head_ref} ${passing!.workflow} · ${passing!.id}`);
  expect(failed!.code).toBe(1);
  expect(failed!.stdout).toContain(`X ${failing!.head_ref} ${failing!.workflow} · ${failing!.id}`);
}, 60_000);

test.skipIf(!ghBinary)("gh run watch on a run that has already completed says so", async () => {
  const failed = writer.query<{ id: number; workflow: string }, []>(
    `SELECT r.id, w.name AS workflow FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id
      WHERE r.conclusion = 'failure' AND r.repo_id = (SELECT p.id FROM repositories p JOIN accounts a ON a.id = p.owner_id WHERE a.login = 'alice' AND p.name = 'hello-world') LIMIT 1`,
  ).get()!;
  const { code, stdout } = await gh(["run", "watch", String(failed.id), "--exit-status"], target);
  expect(stdout).toContain(`Run ${failed.workflow} (${failed.id}) has already completed with 'failure'`);
  expect(code).toBe(1);
});
