// GitHub's own JavaScript client, @octokit/rest, against the compiled executable: at
// /api/v3 (an enterprise base URL) and at the root (api.github.com's layout).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { Octokit } from "@octokit/rest";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededDatabase } from "../support/db.ts";
import { repoOracle } from "../support/repo-oracle.ts";
import type { RepoOracle } from "../support/repo-oracle.ts";
import { buildsTheExecutable } from "../support/timeouts.ts";

let server: RunningServer;
let sql: Database;
let helloId: number;
let runIds: RepoOracle["runIds"];
let jobIds: RepoOracle["jobIds"];
let stepNames: RepoOracle["stepNames"];
const owner = "alice";
const repo = "hello-world";

beforeAll(async () => {
  server = await startServer(["--db", await seededDatabase()]);
  ({ sql, repoId: helloId, runIds, jobIds, stepNames } = await repoOracle());
}, buildsTheExecutable);

afterAll(async () => {
  await server?.stop();
});

// Octokit logs every failed request; the failures here are the point of the test.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

for (const [label, prefix] of [["/api/v3", "/api/v3"], ["the root", ""]] as const) {
  describe(`@octokit/rest with its base URL at ${label}`, () => {
    let octokit: Octokit;
    let base: string;
    beforeAll(() => {
      base = server.url + prefix;
      octokit = new Octokit({ baseUrl: base, auth: "demo_alice_repo", log: quiet });
    });

    test("listWorkflowRunsForRepo: GitHub's total and the newest runs", async () => {
      const { data, headers } = await octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo, per_page: 7 });
      expect(data.total_count).toBe(runIds().length);
      expect(data.workflow_runs.map((r) => r.id)).toEqual(runIds().slice(0, 7));
      expect(headers.link).toContain(`<${base}/repos/${owner}/${repo}/actions/runs?per_page=7&page=2>; rel="next"`);
      expect(headers.etag).toMatch(/^W\/"[0-9a-f]+"$/);
    });

    test("paginate follows Link through every page", async () => {
      const runs = await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, { owner, repo, per_page: 100 });
      expect(runs.map((r) => r.id)).toEqual(runIds());
    });

    test("filters: status (a status or a conclusion), branch, event, actor, head_sha, check_suite_id, created", async () => {
      const list = async (params: Record<string, string | number>) =>
        (await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, { owner, repo, per_page: 100, ...params })).map((r) => r.id);
      expect(await list({ status: "in_progress" })).toEqual(runIds("status = 'running'"));
      expect(await list({ status: "failure" })).toEqual(runIds("conclusion = 'failure'"));
      expect(await list({ status: "requested" })).toEqual([]);
      expect(await list({ branch: "main", event: "push" })).toEqual(runIds("head_ref = 'main' AND event = 'push'"));
      expect(await list({ actor: "ALICE" })).toEqual(runIds("actor_id = (SELECT id FROM accounts WHERE login = 'alice')"));
      const sample = runIds()[42]!;
      const { head_sha } = sql.query<{ head_sha: string }, [number]>("SELECT head_sha FROM workflow_runs WHERE id = ?").get(sample)!;
      expect(await list({ head_sha })).toEqual(runIds("head_sha = ?", head_sha));
      expect(await list({ check_suite_id: sample })).toEqual([sample]);
      const { created_at } = sql.query<{ created_at: number }, [number]>("SELECT created_at FROM workflow_runs WHERE id = ?").get(sample)!;
      const day = isoDay(created_at);
      const dayStart = Date.parse(`${day}T00:00:00Z`);
      expect(await list({ created: `>=${day}` })).toEqual(runIds("created_at >= ?", dayStart));
      expect(await list({ created: `${day}..${day}` })).toEqual(runIds("created_at >= ? AND created_at < ?", dayStart, dayStart + 86_400_000));
      // An offset's "+" survives octokit's encoding; 02:00 at +02:00 is midnight UTC.
      expect(await list({ created: `<${day}T02:00:00+02:00` })).toEqual(runIds("created_at < ?", dayStart));
    });

    test("getWorkflowRun: URLs on the surface the request came in on, and jobs_url can be followed", async () => {
      const id = runIds("run_attempt > 1 AND status = 'completed'")[0]!;
      const { data: run } = await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: id });
      expect(run.id).toBe(id);
      expect(run.check_suite_id).toBe(id);
      expect(run.url).toBe(`${base}/repos/${owner}/${repo}/actions/runs/${id}`);
      expect(run.jobs_url).toBe(`${base}/repos/${owner}/${repo}/actions/runs/${id}/jobs`);
      expect(run.html_url).toBe(`${server.url}/${owner}/${repo}/actions/runs/${id}`);
      expect(run.previous_attempt_url).toBe(`${base}/repos/${owner}/${repo}/actions/runs/${id}/attempts/${run.run_attempt! - 1}`);
      const { data: jobs } = await octokit.request(`GET ${run.jobs_url}`);
      expect((jobs as { jobs: { id: number }[] }).jobs.map((j) => j.id)).toEqual(jobIds(id, `run_attempt = ${run.run_attempt}`));
    });

    test("listJobsForWorkflowRun: the latest attempt by default, every attempt with filter=all; steps included", async () => {
      const id = runIds("run_attempt > 1")[0]!;
      const latest = await octokit.rest.actions.listJobsForWorkflowRun({ owner, repo, run_id: id });
      const attempt = sql.query<{ run_attempt: number }, [number]>("SELECT run_attempt FROM workflow_runs WHERE id = ?").get(id)!.run_attempt;
      expect(latest.data.jobs.map((j) => j.id)).toEqual(jobIds(id, `run_attempt = ${attempt}`));
      for (const job of latest.data.jobs) {
        expect(job.steps!.map((s) => s.name)).toEqual(stepNames(job.id));
      }
      const all = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, { owner, repo, run_id: id, filter: "all", per_page: 2 });
      expect(all.map((j) => j.id)).toEqual(jobIds(id));
    });

    test("an earlier attempt: the run as it was then, and that attempt's jobs", async () => {
      const id = runIds("run_attempt > 1 AND status = 'completed'")[0]!;
      const { data: first } = await octokit.rest.actions.getWorkflowRunAttempt({ owner, repo, run_id: id, attempt_number: 1 });
      expect(first.run_attempt).toBe(1);
      expect(first.status).toBe("completed");
      expect(first.previous_attempt_url).toBeNull();
      expect(first.jobs_url).toBe(`${base}/repos/${owner}/${repo}/actions/runs/${id}/attempts/1/jobs`);
      const { data: jobs } = await octokit.rest.actions.listJobsForWorkflowRunAttempt({ owner, repo, run_id: id, attempt_number: 1 });
      expect(jobs.jobs.map((j) => j.id)).toEqual(jobIds(id, "run_attempt = 1"));
      await expect(octokit.rest.actions.getWorkflowRunAttempt({ owner, repo, run_id: id, attempt_number: 99 })).rejects.toMatchObject({ status: 404 });
    });

    test("getJobForWorkflowRun, and a job of another repository is not found", async () => {
      const id = jobIds(runIds()[30]!)[0]!;
      const { data: job } = await octokit.rest.actions.getJobForWorkflowRun({ owner, repo, job_id: id });
      expect(job.id).toBe(id);
      expect(job.run_url).toBe(`${base}/repos/${owner}/${repo}/actions/runs/${job.run_id}`);
      const foreign = sql.query<{ id: number }, [number]>(
        "SELECT j.id FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE r.repo_id <> ? LIMIT 1",
      ).get(helloId)!.id;
      await expect(octokit.rest.actions.getJobForWorkflowRun({ owner, repo, job_id: foreign })).rejects.toMatchObject({ status: 404 });
    });

    test("workflows: listed, fetched by id and by file name, and their runs", async () => {
      const workflows = await octokit.paginate(octokit.rest.actions.listRepoWorkflows, { owner, repo, per_page: 2 });
      const expected = sql.query<{ id: number }, [number]>("SELECT id FROM workflows WHERE repo_id = ? ORDER BY id").all(helloId);
      expect(workflows.map((w) => w.id)).toEqual(expected.map((w) => w.id));
      const ci = workflows.find((w) => w.name === "CI")!;
      const { data: byFile } = await octokit.rest.actions.getWorkflow({ owner, repo, workflow_id: "ci.yml" });
      expect(byFile.id).toBe(ci.id);
      const { data: runs } = await octokit.rest.actions.listWorkflowRuns({ owner, repo, workflow_id: ci.id, per_page: 100 });
      expect(runs.workflow_runs.map((r) => r.id)).toEqual(runIds("workflow_id = ?", ci.id).slice(0, 100));
      await expect(octokit.rest.actions.listWorkflowRuns({ owner, repo, workflow_id: "nope.yml" })).rejects.toMatchObject({ status: 404 });
    });

    test("listWorkflowRunArtifacts", async () => {
      const id = runIds("EXISTS (SELECT 1 FROM workflow_artifacts a WHERE a.run_id = workflow_runs.id)")[0]!;
      const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: id });
      const expected = sql.query<{ name: string }, [number]>("SELECT name FROM workflow_artifacts WHERE run_id = ? ORDER BY id").all(id);
      expect(data.artifacts.map((a) => a.name)).toEqual(expected.map((a) => a.name));
      expect(data.artifacts[0]!.workflow_run?.id).toBe(id);
    });

    test("errors: GitHub's statuses and bodies", async () => {
      const hidden = new Octokit({ baseUrl: base, auth: "demo_frank_read", log: quiet });
      await expect(hidden.rest.actions.listWorkflowRunsForRepo({ owner, repo: "secret-project" })).rejects.toMatchObject({
        status: 404, response: { data: { message: "Not Found" } },
      });
      await expect(octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo, status: "running" as "in_progress" })).rejects.toMatchObject({
        status: 422, response: { data: { message: "Validation Failed", errors: [{ resource: "WorkflowRun", field: "status", code: "invalid" }] } },
      });
      await expect(octokit.rest.actions.listWorkflowRunsForRepo({ owner, repo, created: "last week" })).rejects.toMatchObject({
        status: 422, response: { data: { errors: [{ field: "created", code: "invalid" }] } },
      });
      const anonymous = new Octokit({ baseUrl: base, log: quiet });
      await expect(anonymous.rest.actions.getWorkflowRun({ owner, repo, run_id: runIds()[0]! })).rejects.toMatchObject({ status: 401 });
    });

    test("what a client calls first: repos.get, users.getAuthenticated, rateLimit.get", async () => {
      const { data: repository } = await octokit.rest.repos.get({ owner, repo });
      expect(repository).toMatchObject({ id: helloId, full_name: `${owner}/${repo}`, private: false, permissions: { admin: true, pull: true } });
      expect(repository.url).toBe(`${base}/repos/${owner}/${repo}`);
      const hidden = new Octokit({ baseUrl: base, auth: "demo_frank_read", log: quiet });
      await expect(hidden.rest.repos.get({ owner, repo: "secret-project" })).rejects.toMatchObject({ status: 404 });

      const { data: me } = await octokit.rest.users.getAuthenticated();
      expect(me.login).toBe("alice");
      await expect(new Octokit({ baseUrl: base, auth: "demo_alice_revoked", log: quiet }).rest.users.getAuthenticated())
        .rejects.toMatchObject({ status: 401 });

      // Asking is free: the budget reported twice in a row is the same, and a real request spends one.
      const budget = async () => (await octokit.rest.rateLimit.get()).data.rate;
      const before = await budget();
      expect(before.limit).toBe(5000);
      expect((await budget()).used).toBe(before.used);
      await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runIds()[0]! });
      expect((await budget()).used).toBe(before.used + 1);
    });

    test("paginate over listArtifactsForRepo: every artifact of the repository, newest run first, by name too", async () => {
      const all = await octokit.paginate(octokit.rest.actions.listArtifactsForRepo, { owner, repo, per_page: 7 });
      const expected = sql.query<{ id: number; name: string }, [number]>(`
        SELECT a.id, a.name FROM workflow_artifacts a JOIN workflow_runs w ON w.id = a.run_id
        WHERE w.repo_id = ? ORDER BY w.created_at DESC, w.id DESC, a.id DESC`).all(helloId);
      expect(expected.length).toBeGreaterThan(7);
      expect(all.map((a) => a.id)).toEqual(expected.map((a) => a.id));
      const name = expected[0]!.name;
      const named = await octokit.paginate(octokit.rest.actions.listArtifactsForRepo, { owner, repo, name, per_page: 5 });
      expect(named.map((a) => a.id)).toEqual(expected.filter((a) => a.name === name).map((a) => a.id));
      const { data: one } = await octokit.rest.actions.getArtifact({ owner, repo, artifact_id: expected[0]!.id });
      expect(one.name).toBe(name);
    });

    test("a conditional request with the ETag it was given gets 304", async () => {
      const first = await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runIds()[5]! });
      await expect(octokit.rest.actions.getWorkflowRun({
        owner, repo, run_id: runIds()[5]!, headers: { "if-none-match": first.headers.etag! },
      })).rejects.toMatchObject({ status: 304 });
    });
  });
}
