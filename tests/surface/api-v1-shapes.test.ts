// Every answer of the forge's /api/v1 surface, held to the service's own OpenAPI document: the
// runs pages of every repository, every run alone and every run's jobs, over the seeded data.
// The routes do not check their 200s on each answer (src/api/v1/index.ts): this does, for all
// of them, field by field and format by format, and no field beyond the document's.
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { testApp } from "../support/app.ts";
import { expectValid } from "../support/openapi.ts";

const token = "demo_erin_admin"; // the site admin: every repository is readable
let req: Awaited<ReturnType<typeof testApp>>["req"];
let sqlite: Database;
type Schema = { type?: string; properties?: Record<string, unknown>; items?: Schema };
const schemas: Record<"runs" | "run" | "jobs", Schema> = {} as never;
const validators: Record<keyof typeof schemas, ValidateFunction> = {} as never;

beforeAll(async () => {
  ({ req, sqlite } = await testApp());
  const doc = (await (await req("/openapi/json")).json()) as { paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: Schema }> }> } }> };
  const base = "/api/v1/repos/{owner}/{repo}/actions/runs";
  const of = (path: string) => doc.paths[path]!.get.responses["200"]!.content["application/json"]!.schema;
  Object.assign(schemas, { runs: of(base), run: of(`${base}/{run_id}`), jobs: of(`${base}/{run_id}/jobs`) });
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Elysia's t.Integer is described as an integer or a string of one (format "integer").
  ajv.addFormat("integer", /^-?\d+$/);
  for (const key of Object.keys(schemas) as (keyof typeof schemas)[]) validators[key] = ajv.compile(schemas[key]);
});

function held(kind: keyof typeof schemas, value: unknown, what: string) {
  expectValid(validators[kind], value, what, "the service's OpenAPI document");
  // No field beyond the document's, none missing (each object's keys are its schema's properties).
  const object = kind === "run" ? schemas.run : schemas[kind].items!;
  const keys = Object.keys(object.properties!).sort();
  for (const item of kind === "run" ? [value] : (value as object[])) expect(Object.keys(item as object).sort(), what).toEqual(keys);
}

async function body(path: string): Promise<unknown> {
  const res = await req(path, { token });
  expect(res.status, path).toBe(200);
  return res.json();
}

describe("/api/v1 answers, held to the OpenAPI document", () => {
  test("the document's schemas check what they describe", () => {
    const run = { id: 1, run_number: 1, run_attempt: 1, workflow_file: "f", workflow_name: "n", display_title: "t", head_sha: "a", head_ref: "main",
      event: "push", status: "completed", conclusion: "success", actor_id: 1, actor_username: "alice", started_at: null, completed_at: null,
      created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" };
    expect(validators.run(run)).toBe(true);
    expect(validators.run({ ...run, created_at: "yesterday" })).toBe(false);
    expect(validators.run({ ...run, status: "exploded" })).toBe(false);
    const { id: _, ...withoutId } = run;
    expect(validators.run(withoutId)).toBe(false);
    expect(validators.runs([run, { ...run, run_attempt: 1.5 }])).toBe(false);
    expect(validators.jobs([{ ...run }])).toBe(false);
  });

  test("every runs page of every repository, every run alone, and every run's jobs", async () => {
    const repos = sqlite.query<{ owner: string; name: string; runs: number }, []>(`
      SELECT a.login AS owner, r.name, (SELECT count(*) FROM workflow_runs w WHERE w.repo_id = r.id) AS runs
      FROM repositories r JOIN accounts a ON a.id = r.owner_id
      WHERE r.deleted_at IS NULL AND r.actions_enabled = 1 ORDER BY r.id`).all();
    expect(repos.length).toBeGreaterThan(5);
    let runs = 0;
    let jobs = 0;
    for (const repo of repos) {
      const base = `/api/v1/repos/${repo.owner}/${repo.name}/actions/runs`;
      const ids: number[] = [];
      for (let page = 1; (page - 1) * 100 < Math.max(repo.runs, 1); page++) {
        const listed = (await body(`${base}?per_page=100&page=${page}`)) as { id: number }[];
        held("runs", listed, `${base} page ${page}`);
        ids.push(...listed.map((r) => r.id));
      }
      expect(ids.length, base).toBe(repo.runs);
      for (const id of ids) {
        held("run", await body(`${base}/${id}`), `${base}/${id}`);
        const listed = (await body(`${base}/${id}/jobs?per_page=100`)) as unknown[];
        held("jobs", listed, `${base}/${id}/jobs`);
        jobs += listed.length;
      }
      runs += ids.length;
    }
    expect(runs).toBeGreaterThan(1000);
    expect(jobs).toBeGreaterThan(runs);
  }, 60_000);
});
