// Every object the GitHub-compatible surface returns, validated against GitHub's published
// OpenAPI description (@octokit/openapi): the operation's 200 schema, required fields,
// types, nullability and formats, over runs in every state the seeded data holds.
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import type { ValidateFunction } from "ajv";
import { oracle } from "../support/db.ts";
import { testApp } from "../support/app.ts";
import { expectValid, githubDescription } from "../support/openapi.ts";
import { walksEveryRoute } from "../support/timeouts.ts";
import { repositoryView } from "../../src/api/github/present/repository.ts";
import { gzipFromBytes } from "../../src/http/encoding.ts";
import { plannedGzipFromBytes } from "../../src/http/json-plan.ts";
import { workflowRun } from "../../src/api/github/present/run.ts";

let req: Awaited<ReturnType<typeof testApp>>["req"];
let store: Awaited<ReturnType<typeof testApp>>["store"];
let sql: Database;
let description: Awaited<ReturnType<typeof githubDescription>>;
const base = "/api/v3/repos/alice/hello-world/actions";

beforeAll(async () => {
  [{ req, store }, sql, description] = await Promise.all([testApp(), oracle(), githubDescription()]);
});

async function body(path: string, token = "demo_alice_repo"): Promise<unknown> {
  const res = await req(path, { token });
  expect(res.status).toBe(200);
  return res.json();
}

const helloRuns = (where: string) => sql.query<{ id: number; run_attempt: number }, []>(
  `SELECT r.id, r.run_attempt FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id JOIN accounts a ON a.id = p.owner_id
    WHERE a.login = 'alice' AND p.name = 'hello-world' AND (${where}) ORDER BY r.created_at DESC LIMIT 3`,
).all();

describe("GitHub's OpenAPI description", () => {
  test("actions/list-workflow-runs-for-repo: every run of the repository, page by page", async () => {
    const validate = description.operation("actions/list-workflow-runs-for-repo");
    for (let page = 1; page <= 3; page++) expectValid(validate, await body(`${base}/runs?per_page=100&page=${page}`), `runs page ${page}`);
    // A private repository and an organization's, with collaborators' and members' tokens.
    expectValid(validate, await body("/api/v3/repos/alice/secret-project/actions/runs?per_page=100", "demo_bob_read"), "private runs");
    expectValid(validate, await body("/api/v3/repos/octo-org/infra/actions/runs?per_page=100", "demo_carol_read"), "organization runs");
  });

  test("a run whose actor account is gone leaves actor out rather than sending null", async () => {
    const orphan = sql.query<{ id: number; repo: string; owner: string }, []>(
      `SELECT r.id, p.name AS repo, a.login AS owner FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id
         JOIN accounts a ON a.id = p.owner_id WHERE r.actor_id IS NULL AND p.visibility = 'public' AND p.deleted_at IS NULL AND p.actions_enabled = 1 LIMIT 1`,
    ).get();
    expect(orphan).not.toBeNull();
    const run = await body(`/api/v3/repos/${orphan!.owner}/${orphan!.repo}/actions/runs/${orphan!.id}`) as Record<string, unknown>;
    expectValid(description.operation("actions/get-workflow-run"), run, "run without actor");
    expect("actor" in run).toBe(false);
  });

  test("a run as the service writes it, alone and in listings, is the run built as an object and stringified, key for key", async () => {
    // Runs are written out as text by their own code (present/run.ts): every run of every readable
    // repository, those without an actor or a start time included, alone and in its listing, is
    // compared with JSON.stringify of workflowRun, the object the attempts route still builds.
    const repos = sql.query<{ owner: string; name: string }, []>(
      `SELECT a.login AS owner, p.name FROM repositories p JOIN accounts a ON a.id = p.owner_id WHERE p.deleted_at IS NULL AND p.actions_enabled = 1`,
    ).all();
    const surface = { api: "http://localhost/api/v3", origin: "http://localhost", html: "http://localhost" };
    let compared = 0;
    const kinds = new Set<string>();
    for (const { owner, name } of repos) {
      const record = store.findRepository(owner, name, null)!;
      for (let page = 1; ; page++) {
        const listing = await body(`/api/v3/repos/${owner}/${name}/actions/runs?per_page=100&page=${page}`, "demo_erin_admin") as { workflow_runs: Record<string, unknown>[] };
        for (const run of listing.workflow_runs) {
          const alone = await (await req(`/api/v3/repos/${owner}/${name}/actions/runs/${run.id}`, { token: "demo_erin_admin" })).text();
          const built = JSON.stringify(workflowRun(store.getRun(record.id, run.id as number, null)!, repositoryView(record, surface)));
          expect(alone).toBe(built);
          expect(JSON.stringify(run)).toBe(built);
          kinds.add(`${"actor" in run}/${"triggering_actor" in run}/${"run_started_at" in run}`);
          compared++;
        }
        if (listing.workflow_runs.length < 100) break;
      }
    }
    expect(compared).toBe(sql.query<{ n: number }, []>(
      "SELECT count(*) AS n FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id WHERE p.deleted_at IS NULL AND p.actions_enabled = 1").get()!.n);
    // Runs with and without an actor and a start time were among them.
    expect([...kinds].some((k) => k.startsWith("false"))).toBe(true);
    expect([...kinds].some((k) => k.endsWith("false"))).toBe(true);
    expect([...kinds]).toContain("true/true/true");
  }, walksEveryRoute);

  test("a computed runs page or run, gzip-encoded from its writer's steps, is its JSON exactly, and about as small as zlib's fastest makes it", async () => {
    // Every answer computed (nothing remembered): gzip-encoded from the steps its writer made
    // (src/http/json-plan.ts), with references for what repeats, not by zlib.
    const computing = await testApp({ responseCacheBytes: 0 });
    const repos = sql.query<{ owner: string; name: string; runs: number }, []>(
      `SELECT a.login AS owner, p.name, (SELECT count(*) FROM workflow_runs r WHERE r.repo_id = p.id) AS runs
         FROM repositories p JOIN accounts a ON a.id = p.owner_id WHERE p.deleted_at IS NULL AND p.actions_enabled = 1`,
    ).all();
    const fetched = async (path: string, encoding: string | null) => {
      const res = await computing.req(path, { token: "demo_erin_admin", headers: encoding ? { "accept-encoding": encoding } : {} });
      expect(res.status).toBe(200);
      return { bytes: new Uint8Array(await res.arrayBuffer()), encoding: res.headers.get("content-encoding") };
    };
    let pages = 0;
    for (const { owner, name, runs } of repos.filter((r) => r.runs > 0)) {
      const base = `/api/v3/repos/${owner}/${name}/actions/runs`;
      const paths = [base, `${base}?per_page=100`, `${base}?per_page=7&page=2`];
      const latest = sql.query<{ id: number }, [string, string]>(
        `SELECT r.id FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id JOIN accounts a ON a.id = p.owner_id
           WHERE a.login = ? AND p.name = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1`,
      ).get(owner, name)!;
      paths.push(`${base}/${latest.id}`);
      for (const path of paths) {
        const plain = await fetched(path, null);
        const gzipped = await fetched(path, "gzip");
        expect(plain.encoding).toBeNull();
        // A small answer (an empty page) travels as it is.
        if (plain.bytes.byteLength < gzipFromBytes) {
          expect(gzipped.encoding).toBeNull();
          continue;
        }
        expect(gzipped.encoding).toBe("gzip");
        expect(new Uint8Array(gunzipSync(gzipped.bytes))).toEqual(plain.bytes);
        // Which encoder made it: the steps' writes "unknown" as the gzip header's system (255),
        // zlib its own. Every run and page carries its repository, whose own deflate blocks the
        // steps' writer sets in (json-plan.ts, blocksFromBytes), whatever the answer's size.
        expect(plannedGzipFromBytes).toBeGreaterThan(gzipFromBytes);
        expect(gzipped.bytes[9], path).toBe(255);
        // What it saves in work costs few bytes: its literals take 8 bits each where zlib's
        // dynamic codes take fewer, but the repository's and actors' blocks are zlib's best, so
        // a run or a page comes out about as large as zlib's level 1 makes it.
        expect(gzipped.bytes.byteLength, path).toBeLessThanOrEqual(gzipSync(plain.bytes, { level: 1 }).byteLength * 1.3);
        if (path === base && runs >= 10) pages++;
      }
    }
    expect(pages).toBeGreaterThan(0);
    computing.close();
  }, walksEveryRoute);

  test("actions/list-workflow-runs (one workflow, by id and by file name)", async () => {
    const validate = description.operation("actions/list-workflow-runs");
    expectValid(validate, await body(`${base}/workflows/ci.yml/runs?per_page=100`), "CI runs by file");
    const workflows = await body(`${base}/workflows`) as { workflows: { id: number }[] };
    for (const w of workflows.workflows) expectValid(validate, await body(`${base}/workflows/${w.id}/runs`), `runs of workflow ${w.id}`);
  });

  test("actions/get-workflow-run and actions/get-workflow-run-attempt, in every state", async () => {
    const run = description.operation("actions/get-workflow-run");
    const attempt = description.operation("actions/get-workflow-run-attempt");
    for (const status of ["queued", "waiting", "running", "completed"]) {
      for (const r of helloRuns(`r.status = '${status}'`)) {
        expectValid(run, await body(`${base}/runs/${r.id}`), `${status} run ${r.id}`);
        expectValid(attempt, await body(`${base}/runs/${r.id}/attempts/${r.run_attempt}`), `run ${r.id} at its latest attempt`);
      }
    }
    for (const r of helloRuns("r.run_attempt > 1")) {
      for (let n = 1; n < r.run_attempt; n++) expectValid(attempt, await body(`${base}/runs/${r.id}/attempts/${n}`), `run ${r.id} attempt ${n}`);
    }
  });

  test("actions/list-jobs-for-workflow-run, -attempt, and actions/get-job-for-workflow-run", async () => {
    const list = description.operation("actions/list-jobs-for-workflow-run");
    const ofAttempt = description.operation("actions/list-jobs-for-workflow-run-attempt");
    const one = description.operation("actions/get-job-for-workflow-run");
    for (const status of ["queued", "waiting", "running", "completed"]) {
      for (const r of helloRuns(`r.status = '${status}'`)) {
        const jobs = await body(`${base}/runs/${r.id}/jobs?filter=all&per_page=100`) as { jobs: { id: number }[] };
        expectValid(list, jobs, `jobs of ${status} run ${r.id}`);
        expectValid(ofAttempt, await body(`${base}/runs/${r.id}/attempts/1/jobs`), `attempt 1 jobs of run ${r.id}`);
        for (const j of jobs.jobs) expectValid(one, await body(`${base}/jobs/${j.id}`), `job ${j.id}`);
      }
    }
  });

  test("actions/list-repo-workflows and actions/get-workflow", async () => {
    const workflows = await body(`${base}/workflows`) as { workflows: { id: number; path: string }[] };
    expectValid(description.operation("actions/list-repo-workflows"), workflows, "workflows");
    const one = description.operation("actions/get-workflow");
    for (const w of workflows.workflows) expectValid(one, await body(`${base}/workflows/${w.id}`), `workflow ${w.id}`);
  });

  test("actions/list-workflow-run-artifacts", async () => {
    const validate = description.operation("actions/list-workflow-run-artifacts");
    for (const r of helloRuns("EXISTS (SELECT 1 FROM workflow_artifacts x WHERE x.run_id = r.id)")) {
      const listed = await body(`${base}/runs/${r.id}/artifacts`) as { artifacts: unknown[] };
      expect(listed.artifacts.length).toBeGreaterThan(0);
      expectValid(validate, listed, `artifacts of run ${r.id}`);
    }
  });

  test("error bodies: basic-error for 404, validation-error for 422", async () => {
    const notFound = await req(`${base}/runs/1/logs`, { token: "demo_alice_repo" });
    expect(notFound.status).toBe(404);
    expectValid(description.component("basic-error"), await notFound.json(), "404");
    const invalid = await req(`${base}/runs?status=sideways`, { token: "demo_alice_repo" });
    expect(invalid.status).toBe(422);
    expectValid(description.component("validation-error"), await invalid.json(), "422");
  });
});
