// Every statement the store prepares takes its parameters as `+?` (src/store/database.ts,
// `param`), never as a bare `?`: SQLite compiles a prepared statement again at each call
// where its planner looked at a parameter (a LIMIT's, an equality's beside an ORDER BY), so a
// bare one would undo "prepared once" for every page. The statements are the ones the app
// really prepares, caught as it prepares them, on every route of both surfaces.
import { beforeAll, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { createApp } from "../../src/http/app.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { bunCodec } from "../../src/runtime/bun/codec.ts";
import { embeddedDocsAssets } from "../../src/runtime/bun/embedded.ts";
import { createStore } from "../../src/store/index.ts";
import { oracle, seededDatabase } from "../support/db.ts";

/** Every statement prepared, as its SQL. */
const prepared: string[] = [];
let handle: (path: string, token?: string) => Promise<Response>;
let db: Database;

beforeAll(async () => {
  const opened = openDatabaseFile(await seededDatabase());
  const prepare = opened.sqlite.prepare.bind(opened.sqlite);
  opened.sqlite.prepare = ((query: string, ...rest: []) => {
    prepared.push(query);
    return prepare(query, ...rest);
  }) as typeof opened.sqlite.prepare;
  const app = createApp({ store: createStore(opened.db, opened.readTransaction), dataVersion: opened.dataVersion, docsAssets: embeddedDocsAssets, codec: bunCodec });
  handle = (path, token = "demo_erin_admin") => app.handle(new Request(`http://localhost${path}`, { headers: { authorization: `token ${token}` } }));
  db = await oracle();
});

/** A bare parameter: a `?` (or `?N`) not under a unary plus. */
const bare = /(?<!\+)\?\d*/g;

test("every statement the routes prepare takes its parameters under a unary plus", async () => {
  const repo = "alice/hello-world";
  const { id: repoId } = db.query<{ id: number }, [string]>(
    "SELECT r.id FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE a.login || '/' || r.name = ?").get(repo)!;
  const run = db.query<{ id: number; head_sha: string; workflow_id: number }, [number]>(
    "SELECT id, head_sha, workflow_id FROM workflow_runs WHERE repo_id = ? AND run_attempt > 1 LIMIT 1").get(repoId)!;
  const job = db.query<{ id: number }, [number]>("SELECT id FROM workflow_jobs WHERE run_id = ? LIMIT 1").get(run.id)!;
  const artifact = db.query<{ id: number; name: string }, [number]>(
    "SELECT a.id, a.name FROM workflow_artifacts a JOIN workflow_runs w ON w.id = a.run_id WHERE w.repo_id = ? LIMIT 1").get(repoId)!;
  const v3 = `/api/v3/repos/${repo}`;
  const paths = [
    `${v3}/actions/runs`, `${v3}/actions/runs?page=2&per_page=5`, `${v3}/actions/runs?page=40&per_page=10`,
    `${v3}/actions/runs?branch=main`, `${v3}/actions/runs?status=success`, `${v3}/actions/runs?status=in_progress`,
    `${v3}/actions/runs?branch=main&status=completed`, `${v3}/actions/runs?actor=alice`, `${v3}/actions/runs?event=push`,
    `${v3}/actions/runs?head_sha=${run.head_sha}`, `${v3}/actions/runs?created=2020-01-01..2100-01-01`,
    `${v3}/actions/workflows/${run.workflow_id}/runs`, `${v3}/actions/workflows/${run.workflow_id}/runs?branch=main`,
    `${v3}/actions/runs/${run.id}`, `${v3}/actions/runs/${run.id}/attempts/1`, `${v3}/actions/runs/${run.id}/jobs`,
    `${v3}/actions/runs/${run.id}/jobs?filter=all`, `${v3}/actions/runs/${run.id}/attempts/1/jobs`, `${v3}/actions/jobs/${job.id}`,
    `${v3}/actions/runs/${run.id}/timing`, `${v3}/actions/runs/${run.id}/artifacts`, `${v3}/actions/artifacts`,
    `${v3}/actions/artifacts?name=${encodeURIComponent(artifact.name)}`, `${v3}/actions/artifacts/${artifact.id}`,
    `${v3}/actions/workflows`, `${v3}/actions/workflows/${run.workflow_id}`,
    `/api/v1/repos/${repo}/actions/runs`, `/api/v1/repos/${repo}/actions/runs?page=2`, `/api/v1/repos/${repo}/actions/runs/${run.id}`,
    `/api/v1/repos/${repo}/actions/runs/${run.id}/jobs`,
  ];
  for (const path of paths) {
    const res = await handle(path);
    expect(res.status, path).toBe(200);
  }
  // A collaborator's token: its account, its collaboration and the repository looked up.
  expect((await handle("/api/v3/repos/alice/secret-project/actions/runs", "demo_bob_read")).status).toBe(200);
  expect((await handle("/api/v3/repos/octo-org/infra/actions/runs", "demo_carol_read")).status).toBe(200);

  const withParameters = prepared.filter((q) => q.includes("?"));
  // The listings, their counts, the jobs, the steps, the artifacts, the workflows and the auth chain's lookups.
  for (const table of ["workflow_runs", "run_days", "workflow_jobs", "workflow_steps", "workflow_artifacts", "workflows", "personal_access_tokens",
    "repositories", "repo_collaborators", "accounts"]) {
    expect(withParameters.some((q) => q.includes(`"${table}"`)), table).toBe(true);
  }
  expect(withParameters.length).toBeGreaterThan(25);
  expect(withParameters.filter((q) => / limit \+\?/.test(q)).length).toBeGreaterThan(5);
  for (const query of withParameters) expect(query.match(bare), query).toBeNull();
});
