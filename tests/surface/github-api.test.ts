// The GitHub-compatible surface in-process: parameters, vocabulary, pagination, attempts,
// what is not held, conditional requests, and both mount points, checked against raw SQL.
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { repoOracle } from "../support/repo-oracle.ts";
import type { RepoOracle } from "../support/repo-oracle.ts";
import { testApp } from "../support/app.ts";

let req: Awaited<ReturnType<typeof testApp>>["req"];
let sql: Database;
let helloId: number;
let runIds: RepoOracle["runIds"];
const token = "demo_alice_repo";
const base = "/api/v3/repos/alice/hello-world/actions";

beforeAll(async () => {
  ({ req } = await testApp());
  ({ sql, repoId: helloId, runIds } = await repoOracle());
});

interface RunsBody { total_count: number; workflow_runs: { id: number; status: string; conclusion: string | null; jobs_url: string; [k: string]: unknown }[] }

async function runs(query: string): Promise<{ res: Response; body: RunsBody }> {
  const res = await req(`${base}/runs${query}`, { token });
  return { res, body: res.status === 200 ? (await res.json()) as RunsBody : ({} as RunsBody) };
}

describe("status: GitHub's statuses and conclusions", () => {
  const sqlFor: Record<string, string> = {
    queued: "status = 'queued'", in_progress: "status = 'running'", waiting: "status = 'waiting'", completed: "status = 'completed'",
    requested: "0", pending: "0",
  };
  for (const value of ["queued", "in_progress", "completed", "waiting", "requested", "pending",
    "action_required", "cancelled", "failure", "neutral", "skipped", "stale", "success", "timed_out", "startup_failure"]) {
    test(value, async () => {
      const { res, body } = await runs(`?status=${value}&per_page=100`);
      expect(res.status).toBe(200);
      const expected = runIds(sqlFor[value] ?? `conclusion = '${value}'`);
      expect(body.total_count).toBe(expected.length);
      expect(body.workflow_runs.map((r) => r.id)).toEqual(expected.slice(0, 100));
    });
  }

  test("the forge's own word `running` is not GitHub's: 422 naming status", async () => {
    const res = await req(`${base}/runs?status=running`, { token });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ message: "Validation Failed", errors: [{ resource: "WorkflowRun", field: "status", code: "invalid" }] });
  });

  test("a running run is shown as in_progress, and so are its running jobs and steps", async () => {
    const id = runIds("status = 'running'")[0]!;
    const run = await (await req(`${base}/runs/${id}`, { token })).json() as { status: string; conclusion: null };
    expect(run).toMatchObject({ status: "in_progress", conclusion: null });
    const { jobs } = await (await req(`${base}/runs/${id}/jobs`, { token })).json() as { jobs: { status: string; steps: { status: string }[] }[] };
    const statuses = new Set(jobs.flatMap((j) => [j.status, ...j.steps.map((s) => s.status)]));
    expect(statuses.has("running")).toBe(false);
    expect(statuses.has("in_progress")).toBe(true);
  });
});

describe("list parameters", () => {
  test("created: the search syntax, with a + offset sent raw (arriving as a space) or encoded", async () => {
    const sample = sql.query<{ created_at: number }, [number]>(
      "SELECT created_at FROM workflow_runs WHERE repo_id = ? ORDER BY created_at DESC LIMIT 1 OFFSET 77",
    ).get(helloId)!.created_at;
    const at = new Date(sample + 2 * 3_600_000).toISOString().slice(0, 19); // local time at +02:00
    const expected = runIds("created_at <= ?", Math.floor(sample / 1000) * 1000 + 999);
    for (const created of [`<=${at}+02:00`, `<=${at}%2B02:00`, `*..${at}+02:00`]) {
      const { res, body } = await runs(`?created=${created}&per_page=100`);
      expect(res.status).toBe(200);
      expect(body.total_count).toBe(expected.length);
      expect(body.workflow_runs.map((r) => r.id)).toEqual(expected.slice(0, 100));
    }
  });

  test("created that is not the syntax: 422 naming created", async () => {
    const res = await req(`${base}/runs?created=${encodeURIComponent("since May")}`, { token });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ errors: [{ resource: "WorkflowRun", field: "created", code: "invalid" }] });
  });

  test("check_suite_id is the run's id, as each run's check_suite_id says", async () => {
    const id = runIds()[10]!;
    const { body } = await runs(`?check_suite_id=${id}`);
    expect(body.workflow_runs.map((r) => [r.id, r.check_suite_id])).toEqual([[id, id]]);
    expect((await runs("?check_suite_id=abc")).res.status).toBe(422);
  });

  test("exclude_pull_requests takes true/false/1/0; pull_requests is always []", async () => {
    for (const v of ["true", "false", "1", "0"]) {
      const { res, body } = await runs(`?exclude_pull_requests=${v}&per_page=3`);
      expect(res.status).toBe(200);
      for (const r of body.workflow_runs) expect(r.pull_requests).toEqual([]);
    }
    expect((await runs("?exclude_pull_requests=yes")).res.status).toBe(422);
  });

  test("Link: absolute, on the surface asked, keeping every parameter; per_page over 100 counts as 100", async () => {
    const { res, body } = await runs("?exclude_pull_requests=true&per_page=500&page=2");
    expect(body.workflow_runs.map((r) => r.id)).toEqual(runIds().slice(100, 200));
    const link = res.headers.get("link")!;
    expect(link).toContain(`<http://localhost${base}/runs?exclude_pull_requests=true&per_page=500&page=1>; rel="prev"`);
    expect(link).toContain(`<http://localhost${base}/runs?exclude_pull_requests=true&per_page=500&page=3>; rel="next"`);
    const root = await req("/repos/alice/hello-world/actions/runs?per_page=100", { token });
    expect(root.headers.get("link")).toContain('<http://localhost/repos/alice/hello-world/actions/runs?per_page=100&page=2>; rel="next"');
  });

  test("a page past the end is empty, with the total", async () => {
    const { body } = await runs("?per_page=100&page=9");
    expect(body).toEqual({ total_count: runIds().length, workflow_runs: [] });
  });

  test("an unknown workflow is a 404, so is another repository's workflow id", async () => {
    expect((await req(`${base}/workflows/nope.yml/runs`, { token })).status).toBe(404);
    expect((await req(`${base}/workflows/nope.yml`, { token })).status).toBe(404);
    const foreign = sql.query<{ id: number }, [number]>("SELECT id FROM workflows WHERE repo_id <> ? LIMIT 1").get(helloId)!.id;
    expect((await req(`${base}/workflows/${foreign}/runs`, { token })).status).toBe(404);
    expect((await req(`${base}/workflows/${foreign}`, { token })).status).toBe(404);
  });
});

describe("attempts and jobs", () => {
  test("attempt n: the run as it was (run_attempt n, completed, its own jobs); beyond the latest is a 404", async () => {
    const { id, run_attempt } = sql.query<{ id: number; run_attempt: number }, [number]>(
      "SELECT id, run_attempt FROM workflow_runs WHERE repo_id = ? AND run_attempt > 1 ORDER BY created_at DESC LIMIT 1",
    ).get(helloId)!;
    const first = await (await req(`${base}/runs/${id}/attempts/1`, { token })).json() as Record<string, unknown>;
    expect(first).toMatchObject({ id, run_attempt: 1, status: "completed", previous_attempt_url: null });
    expect(["success", "failure", "cancelled"]).toContain(first.conclusion as string);
    const latest = await (await req(`${base}/runs/${id}/attempts/${run_attempt}`, { token })).json() as Record<string, unknown>;
    const plain = await (await req(`${base}/runs/${id}`, { token })).json() as Record<string, unknown>;
    expect({ ...latest, jobs_url: null, logs_url: null }).toEqual({ ...plain, jobs_url: null, logs_url: null });
    for (const n of [run_attempt + 1, 0]) expect((await req(`${base}/runs/${id}/attempts/${n}`, { token })).status).toBe(404);
    const jobs = await (await req(`${base}/runs/${id}/attempts/1/jobs`, { token })).json() as { jobs: { run_attempt: number }[] };
    expect(jobs.jobs.length).toBeGreaterThan(0);
    expect(new Set(jobs.jobs.map((j) => j.run_attempt))).toEqual(new Set([1]));
  });

  test("jobs: filter=latest by default, all on request, anything else a 422", async () => {
    const { id, run_attempt } = sql.query<{ id: number; run_attempt: number }, [number]>(
      "SELECT id, run_attempt FROM workflow_runs WHERE repo_id = ? AND run_attempt > 1 LIMIT 1",
    ).get(helloId)!;
    const count = (where: string) => sql.query<{ n: number }, [number]>(`SELECT count(*) AS n FROM workflow_jobs WHERE run_id = ? AND ${where}`).get(id)!.n;
    const latest = await (await req(`${base}/runs/${id}/jobs`, { token })).json() as { total_count: number };
    expect(latest.total_count).toBe(count(`run_attempt = ${run_attempt}`));
    const all = await (await req(`${base}/runs/${id}/jobs?filter=all`, { token })).json() as { total_count: number };
    expect(all.total_count).toBe(count("1"));
    expect((await req(`${base}/runs/${id}/jobs?filter=newest`, { token })).status).toBe(422);
  });
});

describe("a bad page size names what the route lists", () => {
  // Elysia's validation (not an integer) and the page check (out of range) must agree.
  test("per_page=abc and per_page=0: one 422 body, naming WorkflowRun, WorkflowJob, Workflow or Artifact", async () => {
    const { id: run, workflow_id: workflow } = sql.query<{ id: number; workflow_id: number }, [number]>(
      "SELECT id, workflow_id FROM workflow_runs WHERE repo_id = ? AND id IN (SELECT run_id FROM workflow_artifacts) LIMIT 1",
    ).get(helloId)!;
    const v1 = "/api/v1/repos/alice/hello-world/actions";
    const listings: [string, string][] = [
      [`${base}/runs`, "WorkflowRun"], [`${base}/workflows/${workflow}/runs`, "WorkflowRun"], [`/repos/alice/hello-world/actions/runs`, "WorkflowRun"],
      [`${base}/runs/${run}/jobs`, "WorkflowJob"], [`${base}/runs/${run}/attempts/1/jobs`, "WorkflowJob"],
      [`${base}/workflows`, "Workflow"], [`${base}/runs/${run}/artifacts`, "Artifact"],
      [`${v1}/runs`, "WorkflowRun"], [`${v1}/runs/${run}/jobs`, "WorkflowJob"],
    ];
    for (const [path, resource] of listings) {
      for (const [value, message] of [["abc", "per_page must be an integer"], ["0", "per_page must be an integer from 1 to 100"]]) {
        const res = await req(`${path}?per_page=${value}`, { token });
        expect(res.status, path).toBe(422);
        expect(await res.json(), `${path}?per_page=${value}`).toEqual({
          message: "Validation Failed", documentation_url: "https://docs.github.com/rest/actions/workflow-runs",
          errors: [{ resource, field: "per_page", code: "invalid", message }],
        });
      }
    }
  });
});

describe("what the database does not hold", () => {
  const paths = (run: number, job: number) => [
    `${base}/runs/${run}/logs`, `${base}/runs/${run}/attempts/1/logs`, `${base}/jobs/${job}/logs`, `/api/v3/repos/alice/hello-world/check-runs/${job}/annotations`,
    `/repos/alice/hello-world/actions/runs/${run}/logs`, `/repos/alice/hello-world/check-runs/${job}/annotations`,
  ];
  test("logs and annotations: GitHub's 404, behind the auth chain", async () => {
    const run = runIds()[0]!;
    const job = sql.query<{ id: number }, [number]>("SELECT id FROM workflow_jobs WHERE run_id = ? LIMIT 1").get(run)?.id ?? 1;
    for (const path of paths(run, job)) {
      const found = await req(path, { token });
      expect(found.status).toBe(404);
      expect(await found.json()).toEqual({ message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      expect((await req(path)).status).toBe(401);
      expect((await req(path, { token: "demo_alice_user" })).status).toBe(403);
    }
  });

  test("a GraphQL request without a JSON body gets GitHub's 400, never a 500", async () => {
    for (const path of ["/api/graphql", "/graphql"]) {
      const res = await req(path, { token, method: "POST", headers: { "content-type": "application/json" } });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect((await res.json() as { message: string }).message).toBe("Problems parsing JSON");
    }
  });
});

describe("auth chain", () => {
  test("401 wins over a bad parameter; a hidden repository is the same 404 as a missing one", async () => {
    expect((await req(`${base}/runs?status=sideways`)).status).toBe(401);
    const hidden = await req("/api/v3/repos/alice/secret-project/actions/runs", { token: "demo_frank_read" });
    const missing = await req("/api/v3/repos/alice/nothing-here/actions/runs", { token: "demo_frank_read" });
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toBe(await missing.text());
  });

  test("403 carries the scopes headers gh reads", async () => {
    const res = await req(`${base}/runs`, { token: "demo_alice_user" });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-accepted-oauth-scopes")).toContain("repo:read");
    expect(res.headers.get("x-oauth-scopes")).toBe("user:read, gist");
  });
});

describe("conditional requests", () => {
  for (const path of [`${base}/runs?per_page=5`, "/repos/alice/hello-world/actions/workflows", "/api/v1/repos/alice/hello-world/actions/runs?per_page=5"]) {
    test(`ETag and 304 on ${path}`, async () => {
      const first = await req(path, { token });
      expect(first.status).toBe(200);
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/);
      const opaque = etag.slice(2);
      for (const ifNoneMatch of [etag, opaque, `"stale", ${etag}`, `W/"stale",${opaque}`, "*"]) {
        const again = await req(path, { token, headers: { "if-none-match": ifNoneMatch } });
        expect(again.status).toBe(304);
        expect(again.headers.get("etag")).toBe(etag);
        expect(await again.text()).toBe("");
      }
      const other = await req(path, { token, headers: { "if-none-match": '"something-else"' } });
      expect(other.status).toBe(200);
      expect(other.headers.get("etag")).toBe(etag);
    });
  }

  test("errors carry no ETag and are never 304", async () => {
    const res = await req(`${base}/runs/999999999`, { token, headers: { "if-none-match": "*" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("etag")).toBeNull();
  });
});

describe("two surfaces, one query layer", () => {
  test("the root answers as /api/v3 does, with its own URLs", async () => {
    const id = runIds()[3]!;
    const v3 = await (await req(`${base}/runs/${id}`, { token })).text();
    const root = await (await req(`/repos/alice/hello-world/actions/runs/${id}`, { token })).text();
    expect(root).toBe(v3.replaceAll("http://localhost/api/v3/", "http://localhost/"));
    expect(JSON.parse(root).jobs_url).toBe(`http://localhost/repos/alice/hello-world/actions/runs/${id}/jobs`);
  });

  test("a configured public URL is the base of every URL", async () => {
    const { req: reqVia, close } = await testApp({ publicUrl: "https://forge.example" });
    const res = await reqVia(`${base}/runs?per_page=1`, { token });
    const body = await res.json() as RunsBody;
    expect(body.workflow_runs[0]!.jobs_url).toStartWith("https://forge.example/api/v3/repos/alice/hello-world/actions/runs/");
    expect(body.workflow_runs[0]!.html_url).toStartWith("https://forge.example/alice/hello-world/actions/runs/");
    expect(res.headers.get("link")).toContain("<https://forge.example/api/v3/repos/alice/hello-world/actions/runs?per_page=1&page=2>");
    close();
  });
});
