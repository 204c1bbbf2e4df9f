// Remembered answers are kept per repository: a commit that changes one repository's runs,
// jobs, steps, artifacts or workflows drops that repository's answers and leaves every other
// repository's standing; everything else an answer depends on (accounts, tokens, memberships,
// collaborators, visibility, Actions enabled, deletion) is in the very next answer.
//
// Every column of every table is changed in turn, by a plain SQL writer, then the sync's own
// writer (upserts, deletes, a reload) and the seed are used. After each write every answer of
// the service (remembering) must be byte for byte the answer of the same service computing
// everything afresh, and a repository the write did not touch must be answered from memory
// (its queries are counted, and must not run).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { forgeTables } from "../../db/schema.ts";
import { seedSqlite } from "../../src/seed/sqlite.ts";
import { openSqliteCopy } from "../../src/sync/bun/sqlite-copy.ts";
import { SyncStatusTracker } from "../../src/sync/status.ts";

/** The heartbeat a sync would write with each batch (its content does not matter here: it touches no repository). */
const heartbeat = new SyncStatusTracker(() => {}, 2_000);
import { copiedTables } from "../../src/sync/tables.ts";
import type { Store } from "../../src/store/index.ts";
import { testApp } from "../support/app.ts";
import { seededCopy } from "../support/db.ts";
import { tempDir } from "../support/temp.ts";

type App = Awaited<ReturnType<typeof testApp>>;
let path: string;
let remembering: App;
let computing: App;
let writer: Database;
/** Data queries run by the remembering service, per repository id. */
const queried = new Map<number, number>();

interface Probe { token: string; url: string; repoId: number }
let probes: Probe[] = [];

const repos = { a: 1, b: 3, c: 1000 } as const;
type Row = Record<string, string | number | null>;

function one<T = Row>(sql: string, ...params: (string | number)[]): T {
  return writer.query(sql).get(...params) as T;
}

beforeAll(async () => {
  path = await seededCopy();
  remembering = await testApp({ db: path });
  computing = await testApp({ db: path, responseCacheBytes: 0 });
  writer = new Database(path);
  writer.run("PRAGMA busy_timeout = 5000");
  countQueries(remembering.store);

  for (const [key, repoId] of Object.entries(repos)) {
    const repo = one<{ login: string; name: string }>("SELECT a.login, r.name FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE r.id = ?", repoId);
    // A run on the first page, with jobs (and in repository a, artifacts).
    const run = one<{ id: number; workflow_id: number }>(
      `SELECT id, workflow_id FROM workflow_runs r WHERE repo_id = ? AND EXISTS (SELECT 1 FROM workflow_jobs j WHERE j.run_id = r.id)
         ${key === "a" ? "AND EXISTS (SELECT 1 FROM workflow_artifacts x WHERE x.run_id = r.id)" : ""}
       ORDER BY created_at DESC, id DESC LIMIT 1`, repoId);
    const job = one<{ id: number }>("SELECT id FROM workflow_jobs WHERE run_id = ? ORDER BY run_attempt DESC, job_index LIMIT 1", run.id);
    const v1 = `/api/v1/repos/${repo.login}/${repo.name}/actions`;
    const v3 = `/api/v3/repos/${repo.login}/${repo.name}/actions`;
    const urls = [
      `${v1}/runs`, `${v1}/runs?page=2&per_page=5`, `${v1}/runs/${run.id}`, `${v1}/runs/${run.id}/jobs`,
      `${v3}/runs`, `${v3}/runs?status=completed`, `${v3}/runs/${run.id}`, `${v3}/runs/${run.id}/jobs`, `${v3}/runs/${run.id}/jobs?filter=all`,
      `${v3}/runs/${run.id}/attempts/1`, `${v3}/jobs/${job.id}`, `${v3}/workflows`, `${v3}/workflows/${run.workflow_id}`,
      `${v3}/workflows/${run.workflow_id}/runs`, `${v3}/runs/${run.id}/artifacts`,
    ];
    // Every route for a, the main ones for the others.
    const some = key === "a" ? urls : [urls[0]!, urls[4]!, urls[6]!, urls[7]!, urls[11]!];
    probes.push(...some.map((url) => ({ token: "demo_erin_admin", url, repoId })));
    if (key === "a") probes.push(...urls.map((url) => ({ token: "demo_alice_repo", url, repoId })));
  }
  // The auth facts: bob as a collaborator, carol as an organization member.
  probes.push({ token: "demo_bob_read", url: "/api/v3/repos/alice/secret-project/actions/runs", repoId: 2 });
  probes.push({ token: "demo_carol_read", url: "/api/v3/repos/octo-org/infra/actions/runs", repoId: 4 });
});

afterAll(() => {
  writer?.close();
  remembering?.close();
  computing?.close();
  rmSync(join(path, ".."), { recursive: true, force: true });
});

/** Count the data lookups of each repository (not the auth chain's). */
function countQueries(store: Store) {
  const byRepo = ["listRuns", "getRun", "getJob", "listWorkflows", "getWorkflow", "getWorkflowByFile"] as const;
  for (const name of byRepo) {
    const original = store[name] as (...args: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      queried.set(args[0] as number, (queried.get(args[0] as number) ?? 0) + 1);
      return original(...args);
    };
  }
}

const get = (app: App, p: Probe, etag?: string) =>
  app.req(p.url, { token: p.token, headers: { "accept-encoding": "gzip", ...(etag ? { "if-none-match": etag } : {}) } });

interface Seen { status: number; etag: string | null; scopes: string | null; body: string }
async function answersOf(app: App): Promise<Seen[]> {
  const out: Seen[] = [];
  for (const p of probes) {
    const res = await get(app, p);
    // Decoded: a remembered answer is gzip-encoded at another level than one sent and forgotten.
    const bytes = new Uint8Array(await res.arrayBuffer());
    const body = new TextDecoder().decode(res.headers.get("content-encoding") === "gzip" ? gunzipSync(bytes) : bytes);
    out.push({ status: res.status, etag: res.headers.get("etag"), scopes: res.headers.get("x-oauth-scopes"), body });
  }
  return out;
}

/**
 * After a write: every answer as the computing service's, at once; the repositories in
 * `kept` answered without a data query; returns which probes' answers changed.
 */
async function check(before: Seen[], kept: number[]): Promise<Set<number>> {
  queried.clear();
  const now = await answersOf(remembering);
  const truth = await answersOf(computing);
  for (let i = 0; i < probes.length; i++) {
    expect({ probe: probes[i], ...now[i] }).toEqual({ probe: probes[i], ...truth[i]! });
  }
  for (const id of kept) expect({ repo: id, queries: queried.get(id) ?? 0 }).toEqual({ repo: id, queries: 0 });
  // Conditional requests agree too: a tag from before the write is a 304 only if the answer is unchanged.
  for (let i = 0; i < probes.length; i++) {
    if (before[i]!.etag === null || probes[i]!.repoId !== repos.a) continue;
    const a = await get(remembering, probes[i]!, before[i]!.etag!);
    const b = await get(computing, probes[i]!, before[i]!.etag!);
    expect({ probe: probes[i], status: a.status }).toEqual({ probe: probes[i], status: b.status });
  }
  const changed = new Set<number>();
  for (let i = 0; i < probes.length; i++) if (JSON.stringify(now[i]) !== JSON.stringify(before[i])) changed.add(i);
  return changed;
}

/** Answers, twice over, so that each is remembered. */
async function warm(): Promise<Seen[]> {
  await answersOf(remembering);
  return answersOf(remembering);
}

// Which row of each table is changed, and a new value for each column.
const rowOf: Record<string, () => Row> = {
  accounts: () => one("SELECT * FROM accounts WHERE login = 'alice'"),
  org_members: () => one("SELECT * FROM org_members WHERE org_id = (SELECT id FROM accounts WHERE login = 'octo-org') AND user_id = (SELECT id FROM accounts WHERE login = 'carol')"),
  repositories: () => one("SELECT * FROM repositories WHERE id = ?", repos.a),
  repo_collaborators: () => one("SELECT * FROM repo_collaborators WHERE repo_id = 2 AND user_id = (SELECT id FROM accounts WHERE login = 'bob')"),
  personal_access_tokens: () => one("SELECT * FROM personal_access_tokens WHERE name = 'demo: full repo scope'"),
  workflows: () => one("SELECT w.* FROM workflows w WHERE w.id = (SELECT workflow_id FROM workflow_runs WHERE id = ?)", runA()),
  workflow_runs: () => one("SELECT * FROM workflow_runs WHERE id = ?", runA()),
  workflow_jobs: () => one("SELECT * FROM workflow_jobs WHERE run_id = ? ORDER BY run_attempt DESC, job_index LIMIT 1", runA()),
  workflow_steps: () => one("SELECT * FROM workflow_steps WHERE job_id = (SELECT id FROM workflow_jobs WHERE run_id = ? ORDER BY run_attempt DESC, job_index LIMIT 1) ORDER BY number LIMIT 1", runA()),
  workflow_artifacts: () => one("SELECT * FROM workflow_artifacts WHERE run_id = ? ORDER BY id LIMIT 1", runA()),
};
const runA = () => Number(/\/runs\/(\d+)$/.exec(probes.find((p) => p.repoId === repos.a && /\/runs\/\d+$/.test(p.url))!.url)![1]);

const flips: Record<string, [string | number, string | number]> = {
  visibility: ["public", "internal"], type: ["User", "Organization"], status: ["completed", "running"],
  conclusion: ["success", "failure"], state: ["active", "disabled_manually"], event: ["push", "pull_request"],
  permission: ["read", "write"], role: ["member", "owner"], scopes: ['["repo"]', '["repo:read"]'], needs_jobs: ["[]", '["build"]'],
};
const booleans = new Set(["site_admin", "actions_enabled", "cancel_requested"]);

function newValue(table: string, column: string, old: string | number | null): string | number | null {
  const flip = flips[column];
  if (flip) return old === flip[0] ? flip[1] : flip[0];
  if (booleans.has(column)) return old === 1 ? 0 : 1;
  // A run moved to another repository; anything else moved to another parent of the same.
  if (table === "workflow_runs" && column === "repo_id") return repos.b;
  if (column === "deleted_at" || column === "suspended_at" || column === "revoked_at") return old === null ? 1_700_000_000_000 : null;
  if (typeof old === "number" || old === null) {
    if (column.endsWith("_at")) return (old ?? 1_700_000_000_000) + 1000;
    if (column === "id" || copiedTables.find((t) => t.name === table)!.key.includes(column)) return (old ?? 0) + 90_000_000;
    if (column === "number") return (old ?? 0) + 1000;
    if (column.endsWith("_id")) return (old ?? 0) + 7;
    return (old ?? 0) + 1;
  }
  return `${old}-changed`;
}

/** The repositories whose remembered answers a write to this column of this table must keep. */
function keptFor(table: string, column: string): number[] {
  const all = [repos.a, repos.b, repos.c, 2, 4];
  // An account is in answers of any repository; a run moved to b changes b's answers too.
  if (table === "accounts") return [];
  if (table === "workflow_runs" && column === "repo_id") return [repos.c, 2, 4];
  // Who may read is decided on every request; no answer's bytes depend on these rows.
  if (table === "personal_access_tokens" || table === "org_members" || table === "repo_collaborators") return all;
  return all.filter((id) => id !== repos.a);
}

function keyWhere(table: string, row: Row): { where: string; values: (string | number)[] } {
  const t = copiedTables.find((c) => c.name === table)!;
  return { where: t.key.map((k) => `${k} = ?`).join(" AND "), values: t.key.map((k) => row[k] as number) };
}

// Columns a change of which shows in none of the answers probed (each is checked to be so).
const unseen = new Set([
  "accounts.created_at", "accounts.updated_at", "org_members.role", "org_members.updated_at", "repo_collaborators.permission",
  "repo_collaborators.updated_at", "personal_access_tokens.name", "personal_access_tokens.created_at",
  "personal_access_tokens.updated_at", "personal_access_tokens.id", "workflow_steps.updated_at", "workflow_jobs.updated_at",
]);

describe("a plain SQL writer", () => {
  for (const [table, definition] of Object.entries(forgeTables)) {
    const columns = getTableConfig(definition).columns.map((c) => c.name);
    test(`${table}: each column changed, then put back`, async () => {
      let before = await warm();
      for (const column of columns) {
        const row = rowOf[table]!();
        expect(row).toBeDefined();
        const value = newValue(table, column, row[column]!);
        const { where, values } = keyWhere(table, row);
        writer.query(`UPDATE ${table} SET ${column} = ? WHERE ${where}`).run(value, ...values);
        const changed = await check(before, keptFor(table, column));
        if (unseen.has(`${table}.${column}`)) expect({ column: `${table}.${column}`, changed: changed.size }).toEqual({ column: `${table}.${column}`, changed: 0 });
        else expect({ column: `${table}.${column}`, changed: changed.size > 0 }).toEqual({ column: `${table}.${column}`, changed: true });
        // Put back, by the row's key as it now is.
        const moved = { ...row, [column]: value };
        const back = keyWhere(table, moved);
        const restoring = await answersOf(remembering);
        writer.query(`UPDATE ${table} SET ${column} = ? WHERE ${back.where}`).run(row[column]!, ...back.values);
        await check(restoring, keptFor(table, column));
        const after = await answersOf(remembering);
        expect(after).toEqual(before);
        before = after;
      }
    });
  }

  test("a run inserted and deleted", async () => {
    const before = await warm();
    writer.run(`INSERT INTO workflow_runs (id, repo_id, workflow_id, run_number, run_attempt, workflow_file, workflow_name, display_title,
        head_sha, head_ref, event, status, conclusion, actor_id, created_at, updated_at)
      SELECT 99000001, repo_id, workflow_id, 9999, 1, workflow_file, workflow_name, 'brand new', head_sha, head_ref, event,
        'queued', NULL, actor_id, created_at + 1000, updated_at + 1000 FROM workflow_runs WHERE repo_id = ${repos.a} ORDER BY created_at DESC LIMIT 1`);
    expect((await check(before, keptFor("workflow_runs", "id"))).size).toBeGreaterThan(0);
    const again = await warm();
    writer.run("DELETE FROM workflow_runs WHERE id = 99000001");
    await check(again, keptFor("workflow_runs", "id"));
    expect(await answersOf(remembering)).toEqual(before);
  });
});

describe("the sync's writer", () => {
  const table = (name: string) => copiedTables.find((t) => t.name === name)!;
  const valuesOf = (name: string, where: string, ...params: number[]) =>
    writer.query(`SELECT ${table(name).columns.join(", ")} FROM ${name} WHERE ${where}`).values(...params) as (string | number | null)[][];

  test("an upsert, a delete and a commit of its watermarks alone", async () => {
    const copy = openSqliteCopy(path, () => heartbeat.heartbeat());
    try {
      let before = await warm();
      const [run] = valuesOf("workflow_runs", "id = ?", runA());
      const title = table("workflow_runs").columns.indexOf("display_title");
      copy.begin();
      copy.upsert(table("workflow_runs"), [run!.map((v, i) => (i === title ? `${v} (synced)` : v))]);
      copy.commit({ dataAsOfMs: Date.now() });
      expect((await check(before, keptFor("workflow_runs", "display_title"))).size).toBeGreaterThan(0);

      before = await warm();
      const jobs = valuesOf("workflow_jobs", "run_id = ?", runA());
      copy.begin();
      copy.remove(table("workflow_jobs"), jobs.map((j) => [j[0] as number]));
      copy.commit({ dataAsOfMs: Date.now() });
      expect((await check(before, keptFor("workflow_jobs", "id"))).size).toBeGreaterThan(0);

      before = await warm();
      copy.begin();
      copy.upsert(table("workflow_jobs"), jobs);
      copy.upsert(table("workflow_runs"), [run!]);
      copy.commit({ dataAsOfMs: Date.now() });
      await check(before, keptFor("workflow_jobs", "id"));

      // The sync's poll that brings nothing still commits its watermarks: no answer is dropped.
      before = await warm();
      copy.begin();
      copy.commit({ dataAsOfMs: Date.now() });
      expect((await check(before, Object.values(repos))).size).toBe(0);
    } finally {
      copy.close();
    }
  });

  test("a reload, as a full load writes it: cleared, then table by table, then following", async () => {
    const everything = copiedTables.map((t) => [t, writer.query(`SELECT ${t.columns.join(", ")} FROM ${t.name}`).values() as (string | number | null)[][]] as const);
    const triggers = () => (writer.query("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'repo_changes_%'").get() as { n: number }).n;
    let before = await warm();
    const copy = openSqliteCopy(path, () => heartbeat.heartbeat());
    try {
      copy.begin();
      copy.clear();
      copy.commit({ phase: "loading" });
      // While it loads, each commit counts as a change of everything: the triggers are off.
      expect(triggers()).toBe(0);
      expect((await check(before, [])).size).toBeGreaterThan(0);
      for (const [t, rows] of everything) {
        before = await answersOf(remembering);
        copy.begin();
        copy.upsert(t, rows);
        copy.commit({ load: { table: t.name, after: null } });
        await check(before, []);
      }
      before = await answersOf(remembering);
      copy.begin();
      copy.commit({ phase: "following", load: null });
      expect(triggers()).toBe(30);
      await check(before, []);
      // Following again: a write to one repository keeps the others' answers.
      before = await answersOf(remembering);
      const [run] = valuesOf("workflow_runs", "id = ?", runA());
      const title = table("workflow_runs").columns.indexOf("display_title");
      copy.begin();
      copy.upsert(table("workflow_runs"), [run!.map((v, i) => (i === title ? `${v} (after the load)` : v))]);
      copy.commit({ dataAsOfMs: Date.now() });
      expect((await check(before, keptFor("workflow_runs", "display_title"))).size).toBeGreaterThan(0);
    } finally {
      copy.close();
    }
  });
});

test("the seed writes the file with the change log in place, so that any later write is seen", async () => {
  const dir = tempDir("freshness");
  try {
    const file = join(dir, "seeded.sqlite");
    await seedSqlite(file, { repos: 3, runs: 20, seed: 7 });
    const db = new Database(file);
    try {
      expect(db.query("SELECT repo_id, writes FROM repo_changes ORDER BY repo_id").all()).toEqual([{ repo_id: -1, writes: 1 }, { repo_id: 0, writes: 1 }]);
      const triggers = db.query("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'repo_changes_%'").get() as { n: number };
      expect(triggers.n).toBe(30);
      const step = db.query("SELECT job_id, number FROM workflow_steps LIMIT 1").get() as { job_id: number; number: number };
      db.query("UPDATE workflow_steps SET name = name || '!' WHERE job_id = ? AND number = ?").run(step.job_id, step.number);
      const repo = (db.query("SELECT r.repo_id FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = ?").get(step.job_id) as { repo_id: number }).repo_id;
      expect(db.query("SELECT repo_id, writes FROM repo_changes ORDER BY repo_id").all()).toEqual([{ repo_id: -1, writes: 1 }, { repo_id: 0, writes: 1 }, { repo_id: repo, writes: 1 }]);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an artifact that expires with no write to the file reads expired from that moment", async () => {
  const run = runA();
  const artifact = one<{ id: number }>("SELECT id FROM workflow_artifacts WHERE run_id = ? ORDER BY id LIMIT 1", run);
  const expiresAt = Date.now() + 60_000;
  writer.query("UPDATE workflow_artifacts SET expires_at = ? WHERE id = ?").run(expiresAt, artifact.id);
  let clock = expiresAt - 1000;
  const timed = await testApp({ db: path, now: () => clock });
  try {
    const url = `/api/v3/repos/alice/hello-world/actions/runs/${run}/artifacts`;
    const expired = async () => ((await (await timed.req(url, { token: "demo_alice_repo" })).json()) as { artifacts: { id: number; expired: boolean }[] })
      .artifacts.find((a) => a.id === artifact.id)!.expired;
    expect(await expired()).toBe(false);
    expect(await expired()).toBe(false);
    clock = expiresAt;
    expect(await expired()).toBe(true);
  } finally {
    timed.close();
  }
});
