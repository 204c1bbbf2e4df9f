// The real gh CLI against the real compiled executable, over a unix socket and over TLS:
// what gh prints and how it exits, checked against raw SQL over the same database file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededDatabase } from "../support/db.ts";
import { gh, ghBinary, runListRows } from "../support/gh.ts";
import type { GhTarget } from "../support/gh.ts";
import { repoOracle } from "../support/repo-oracle.ts";
import type { RepoOracle } from "../support/repo-oracle.ts";
import { tempDir } from "../support/temp.ts";
import { localhostCertificate } from "../support/tls.ts";
import { requireTool } from "../support/tools.ts";
import { buildsTheExecutable } from "../support/timeouts.ts";

const openssl = ghBinary ? requireTool("openssl", ["openssl"]) : null;
const ready = ghBinary !== null && openssl !== null;

let socketServer: RunningServer | undefined;
let tlsServer: RunningServer | undefined;
const overSocket: GhTarget = { host: "forge.test" };
const overTls: GhTarget = { host: "" };
let sql: Database;
let helloId: number;
let runIds: RepoOracle["runIds"];
let stepNames: RepoOracle["stepNames"];

beforeAll(async () => {
  if (!ready) return;
  const db = await seededDatabase();
  overSocket.unixSocket = join(tempDir("sock"), "api.sock");
  const cert = await localhostCertificate(openssl!);
  [socketServer, tlsServer] = await Promise.all([
    startServer(["--db", db, "--unix-socket", overSocket.unixSocket]),
    startServer(["--db", db, "--port", "0", "--tls-cert", cert.certFile, "--tls-key", cert.keyFile]),
  ]);
  overTls.host = `localhost:${new URL(tlsServer.url!).port}`;
  overTls.certFile = cert.certFile;
  ({ sql, repoId: helloId, runIds, stepNames } = await repoOracle());
}, buildsTheExecutable);

afterAll(async () => {
  await Promise.all([socketServer?.stop(), tlsServer?.stop()]);
});


interface RunRow { id: number; status: string; conclusion: string | null; head_ref: string; event: string; display_title: string; workflow: string; run_attempt: number }

function run(id: number): RunRow {
  return sql.query<RunRow, [number]>(
    "SELECT r.*, w.name AS workflow FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id WHERE r.id = ?",
  ).get(id)!;
}

function pickRun(where: string): number {
  return runIds(where)[0]!;
}

interface JobRow { id: number; job_name: string; conclusion: string | null; status: string }
const jobsOf = (runId: number, attempt: number) => sql.query<JobRow, [number, number]>(
  "SELECT * FROM workflow_jobs WHERE run_id = ? AND run_attempt = ? ORDER BY job_index",
).all(runId, attempt);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const githubStatus = (status: string) => (status === "running" ? "in_progress" : status);

describe.skipIf(!ready)("gh run list", () => {
  for (const [label, target] of [["unix socket", overSocket], ["TLS", overTls]] as const) {
    test(`the 20 newest runs, as gh prints them (${label})`, async () => {
      const { code, stdout, stderr } = await gh(["run", "list"], target);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const rows = runListRows(stdout);
      expect(rows.map((r) => r.id)).toEqual(runIds().slice(0, 20));
      for (const row of rows) {
        const expected = run(row.id);
        expect(row).toMatchObject({
          status: githubStatus(expected.status), conclusion: expected.conclusion ?? "", title: expected.display_title,
          workflow: expected.workflow, branch: expected.head_ref, event: expected.event,
        });
      }
    });
  }

  for (const limit of [150, 260, 400]) {
    test(`-L ${limit} follows Link across pages of 100`, async () => {
      const { code, stdout } = await gh(["run", "list", "-L", String(limit)], overSocket);
      expect(code).toBe(0);
      expect(runListRows(stdout).map((r) => r.id)).toEqual(runIds().slice(0, limit));
    });
  }

  test("-w by workflow name, and by file name", async () => {
    const ci = sql.query<{ id: number }, [number]>("SELECT id FROM workflows WHERE repo_id = ? AND name = 'CI'").get(helloId)!;
    const expected = runIds("workflow_id = ?", ci.id).slice(0, 120);
    for (const w of ["CI", "ci.yml"]) {
      const { code, stdout } = await gh(["run", "list", "-w", w, "-L", "120"], overSocket);
      expect(code).toBe(0);
      const rows = runListRows(stdout);
      expect(rows.map((r) => r.id)).toEqual(expected);
      expect(new Set(rows.map((r) => r.workflow))).toEqual(new Set(["CI"]));
    }
  });

  test("-b filters by branch, -u by actor", async () => {
    const byBranch = await gh(["run", "list", "-b", "main", "-L", "50"], overSocket);
    expect(runListRows(byBranch.stdout).map((r) => r.id)).toEqual(runIds("head_ref = 'main'").slice(0, 50));
    const byActor = await gh(["run", "list", "-u", "alice", "-L", "50"], overSocket);
    expect(runListRows(byActor.stdout).map((r) => r.id)).toEqual(
      runIds("actor_id = (SELECT id FROM accounts WHERE login = 'alice')").slice(0, 50),
    );
  });

  test("--json carries gh's fields, with URLs on the server gh talks to", async () => {
    const { code, stdout } = await gh(["run", "list", "-L", "5", "--json", "databaseId,status,conclusion,headBranch,workflowName,url,number"], overTls);
    expect(code).toBe(0);
    const runs = JSON.parse(stdout) as { databaseId: number; status: string; url: string; workflowName: string }[];
    expect(runs.map((r) => r.databaseId)).toEqual(runIds().slice(0, 5));
    for (const r of runs) {
      expect(r.url).toBe(`https://${overTls.host}/alice/hello-world/actions/runs/${r.databaseId}`);
      expect(r.status).toBe(githubStatus(run(r.databaseId).status));
      expect(r.workflowName).toBe(run(r.databaseId).workflow);
    }
  });
});

describe.skipIf(!ready)("gh run view", () => {
  const failedWithFailedJob = "conclusion = 'failure' AND EXISTS (SELECT 1 FROM workflow_jobs j WHERE j.run_id = workflow_runs.id AND j.run_attempt = workflow_runs.run_attempt AND j.conclusion = 'failure')";

  for (const [label, target] of [["unix socket", overSocket], ["TLS", overTls]] as const) {
    test(`a failed run: header, jobs, the failed job's steps, the link (${label})`, async () => {
      const id = pickRun(failedWithFailedJob);
      const r = run(id);
      const { code, stdout, stderr } = await gh(["run", "view", String(id)], target);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toContain(`X ${r.head_ref} ${r.workflow} · ${id}`);
      expect(stdout).toContain(`Triggered via ${r.event}`);
      for (const job of jobsOf(id, r.run_attempt)) {
        expect(stdout).toContain(`${job.job_name}`);
        expect(stdout).toContain(`(ID ${job.id})`);
        if (job.conclusion === "failure") for (const step of stepNames(job.id)) expect(stdout).toContain(step);
      }
      const scheme = target === overTls ? "https" : "http";
      expect(stdout).toContain(`View this run on GitHub: ${scheme}://${target.host}/alice/hello-world/actions/runs/${id}`);
    });
  }

  test("-v shows every job's steps; artifacts are listed", async () => {
    const id = pickRun("conclusion = 'success' AND EXISTS (SELECT 1 FROM workflow_artifacts a WHERE a.run_id = workflow_runs.id)");
    const { code, stdout } = await gh(["run", "view", String(id), "-v"], overSocket);
    expect(code).toBe(0);
    expect(stdout).toContain(`✓ ${run(id).head_ref} ${run(id).workflow} · ${id}`);
    for (const job of jobsOf(id, run(id).run_attempt)) for (const step of stepNames(job.id)) expect(stdout).toMatch(new RegExp(`^  . ${escapeRegExp(step)}$`, "m"));
    expect(stdout).toContain("ARTIFACTS");
    const names = sql.query<{ name: string }, [number]>("SELECT name FROM workflow_artifacts WHERE run_id = ?").all(id);
    for (const a of names) expect(stdout).toContain(a.name);
  });

  test("--exit-status: 1 for a failed run, 0 for a successful one", async () => {
    const failed = await gh(["run", "view", String(pickRun("conclusion = 'failure'")), "--exit-status"], overSocket);
    expect(failed.code).toBe(1);
    const passed = await gh(["run", "view", String(pickRun("conclusion = 'success'")), "--exit-status"], overSocket);
    expect(passed.code).toBe(0);
  });

  test("--json with jobs: the latest attempt's jobs and their steps", async () => {
    const id = pickRun("run_attempt > 1 AND status = 'completed'");
    const { code, stdout } = await gh(["run", "view", String(id), "--json", "databaseId,status,conclusion,jobs"], overSocket);
    expect(code).toBe(0);
    const view = JSON.parse(stdout) as { databaseId: number; conclusion: string; jobs: { databaseId: number; steps: { name: string; number: number }[] }[] };
    expect(view.databaseId).toBe(id);
    expect(view.conclusion).toBe(run(id).conclusion!);
    const expected = jobsOf(id, run(id).run_attempt);
    expect(view.jobs.map((j) => j.databaseId)).toEqual(expected.map((j) => j.id));
    for (const j of view.jobs) expect(j.steps.map((s) => s.name)).toEqual(stepNames(j.databaseId));
  });

  test("--job: one job with its steps; --exit-status follows the job", async () => {
    const id = pickRun(failedWithFailedJob);
    const failedJob = jobsOf(id, run(id).run_attempt).find((j) => j.conclusion === "failure")!;
    const { code, stdout } = await gh(["run", "view", "--job", String(failedJob.id)], overSocket);
    expect(code).toBe(0);
    expect(stdout).toContain(`X ${failedJob.job_name}`);
    expect(stdout).toContain(`(ID ${failedJob.id})`);
    for (const step of stepNames(failedJob.id)) expect(stdout).toContain(step);
    expect((await gh(["run", "view", "--job", String(failedJob.id), "--exit-status"], overSocket)).code).toBe(1);
  });

  test("--log: the logs are not held here, and gh says so", async () => {
    const { code, stderr } = await gh(["run", "view", String(pickRun("status = 'completed'")), "--log"], overSocket);
    expect(code).toBe(1);
    expect(stderr).toContain("log not found");
  });

  test("a run id of another repository is not found", async () => {
    const foreign = sql.query<{ id: number }, [number]>("SELECT id FROM workflow_runs WHERE repo_id <> ? LIMIT 1").get(helloId)!.id;
    const { code, stderr } = await gh(["run", "view", String(foreign)], overSocket);
    expect(code).toBe(1);
    expect(stderr).toContain(`failed to get run: HTTP 404: Not Found (https://forge.test/api/v3/repos/alice/hello-world/actions/runs/${foreign}?exclude_pull_requests=true)`);
  });
});

describe.skipIf(!ready)("gh and access", () => {
  test("a private repository the token may not see fails exactly like one that does not exist", async () => {
    const hidden = await gh(["run", "list"], overSocket, { repo: "alice/secret-project", token: "demo_frank_read" });
    const missing = await gh(["run", "list"], overSocket, { repo: "alice/no-such-repo", token: "demo_frank_read" });
    expect(hidden.code).toBe(1);
    expect(missing.code).toBe(1);
    expect(hidden.stderr).toContain("failed to get runs: HTTP 404: Not Found (https://forge.test/api/v3/repos/alice/secret-project/actions/runs?");
    expect(hidden.stderr.replaceAll("secret-project", "REPO")).toBe(missing.stderr.replaceAll("no-such-repo", "REPO"));
    expect(hidden.stdout).toBe("");

    const secretRun = sql.query<{ id: number }, []>(
      "SELECT w.id FROM workflow_runs w JOIN repositories r ON r.id = w.repo_id WHERE r.name = 'secret-project' LIMIT 1",
    ).get()!.id;
    const view = await gh(["run", "view", String(secretRun)], overSocket, { repo: "alice/secret-project", token: "demo_frank_read" });
    expect(view.code).toBe(1);
    expect(view.stderr).toContain("failed to get run: HTTP 404: Not Found");
  });

  test("a collaborator sees the private repository", async () => {
    const { code, stdout } = await gh(["run", "list", "-L", "5"], overSocket, { repo: "alice/secret-project", token: "demo_bob_read" });
    expect(code).toBe(0);
    expect(runListRows(stdout).length).toBeGreaterThan(0);
  });

  test("a token without a repo scope: 403, and gh names the scope to ask for", async () => {
    const { code, stderr } = await gh(["run", "view", String(runIds()[0])], overSocket, { token: "demo_alice_user" });
    expect(code).toBe(1);
    expect(stderr).toContain("HTTP 403: Resource not accessible by personal access token");
    expect(stderr).toContain('This API operation needs the "repo:read" scope');
  });

  test("an expired token: 401, and gh suggests logging in", async () => {
    const { code, stderr } = await gh(["run", "view", String(runIds()[0])], overSocket, { token: "demo_alice_expired" });
    expect(code).toBe(1);
    expect(stderr).toContain("HTTP 401: Bad credentials");
    expect(stderr).toContain("gh auth login");
  });
});
