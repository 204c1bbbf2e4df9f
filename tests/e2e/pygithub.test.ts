// PyGithub 2.x, in a virtual environment this test makes, against the compiled executable:
// get_repo without lazy=True, get_user, get_rate_limit, paging, and every property of a run,
// a job, a workflow, an artifact, the repository and the user read without a type error.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { oracle, seededDatabase } from "../support/db.ts";
import { requireTool } from "../support/tools.ts";
import { tempDir } from "../support/temp.ts";

const python = requireTool("python3", ["python3"]);
let server: RunningServer | undefined;
let venv: string | undefined;
let sql: Database;
let ready = false;

async function run(cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  if (!python) return;
  venv = tempDir("venv");
  const made = await run([python, "-m", "venv", venv]);
  if (made.code !== 0) {
    if (process.env.CI === "true") throw new Error(`python3 -m venv failed under CI=true:\n${made.stderr}`);
    console.warn(`skipping PyGithub tests: python3 -m venv failed (${made.stderr.trim().split("\n").pop()})`);
    return;
  }
  const installed = await run([join(venv, "bin", "pip"), "install", "--quiet", "PyGithub>=2,<3"]);
  if (installed.code !== 0) {
    if (process.env.CI === "true") throw new Error(`pip install PyGithub failed under CI=true:\n${installed.stderr}`);
    console.warn(`skipping PyGithub tests: pip install PyGithub failed (${installed.stderr.trim().split("\n").pop()})`);
    return;
  }
  server = await startServer(["--db", await seededDatabase()]);
  sql = await oracle();
  ready = true;
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (venv) rmSync(venv, { recursive: true, force: true });
});

test("PyGithub 2.x: the first calls, paging, and every property of every object", async () => {
  if (!ready) return;
  for (const prefix of ["/api/v3", ""]) {
    const out = await run([join(venv!, "bin", "python"), join(import.meta.dir, "clients", "pygithub_check.py"), server!.url! + prefix, "demo_alice_repo"]);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    const helloId = sql.query<{ id: number }, []>("SELECT r.id FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE a.login = 'alice' AND r.name = 'hello-world'").get()!.id;
    const runIds = sql.query<{ id: number }, [number]>("SELECT id FROM workflow_runs WHERE repo_id = ? ORDER BY created_at DESC, id DESC").all(helloId).map((r) => r.id);
    const artifacts = sql.query<{ n: number }, [number]>("SELECT count(*) AS n FROM workflow_artifacts a JOIN workflow_runs r ON r.id = a.run_id WHERE r.repo_id = ?").get(helloId)!.n;
    expect(result.bad).toEqual([]);
    // Only objects GitHub also sends without a url (head_commit, an artifact's workflow_run) stay incomplete: accounts complete from /users/{login}.
    for (const where of result.incomplete as string[]) expect(where).toMatch(/\.(head_commit|workflow_run)$/);
    expect(result.full_name).toBe("alice/hello-world");
    expect(result.permissions_admin).toBe(true);
    expect(result.runs_total).toBe(runIds.length);
    expect(result.run_ids).toEqual(runIds);
    expect(result.referenced_workflows).toEqual([]);
    expect(result.jobs).toBeGreaterThan(0);
    expect(result.artifacts_total).toBe(artifacts);
    expect(new Set(result.named).size).toBe(1);
    expect(result.user).toBe("alice");
    expect(result.rate_limit).toBe(5000);
    expect(result.cancel).toBe(false);
  }
}, 120_000);
