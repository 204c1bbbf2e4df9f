// The sync against a real PostgreSQL (a throwaway cluster) and a real SQLite file: the load,
// every kind of change, commits out of order, re-used natural keys, readers during batches,
// the source killed and restarted, the sync itself killed, and freshness under writes.
// The sync always connects as a role with SELECT on the forge tables and nothing else.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { Database } from "bun:sqlite";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Log } from "../../src/observability/log.ts";
import { seedPostgres } from "../../src/seed/postgres.ts";
import { applyMigrations } from "../../db/migrations/apply.ts";
import { openPostgresSource } from "../../src/sync/bun/postgres-source.ts";
import { startSync } from "../../src/sync/index.ts";
import { bunSyncEdges } from "../../src/runtime/bun/sync-edges.ts";
import type { RunningSync } from "../../src/sync/index.ts";
import { copiedTables } from "../../src/sync/tables.ts";
import { ownProcess, tempDir } from "../support/temp.ts";
import { watchVisibility } from "../support/visibility.ts";
import { postgresForTests, readerPassword, readerRole, startTestPostgres } from "../support/postgres.ts";
import type { TestDatabase, TestPostgres, TestStandby } from "../support/postgres.ts";
import { startsPostgres } from "../support/timeouts.ts";

const { binaries } = postgresForTests();
const repoRoot = join(import.meta.dir, "..", "..");

interface LogLine { event: string; [field: string]: unknown }

function capture(): { log: Log; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { lines, log: (event, fields = {}) => lines.push({ event, ...fields }) };
}

const tempFile = () => join(tempDir("sync"), "copy.sqlite");

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

/** The source's rows in the copy's terms, converted by PostgreSQL itself (an independent oracle). */
async function sourceRows(admin: SQL, table: (typeof copiedTables)[number]): Promise<unknown[][]> {
  const types = new Map(((await admin`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${table.name}`) as
    { column_name: string; data_type: string }[]).map((c) => [c.column_name, c.data_type]));
  const select = table.columns.map((c) => {
    const type = types.get(c);
    if (type === undefined) throw new Error(`${table.name}.${c} is not in the forge schema`);
    if (type.startsWith("timestamp")) return `floor(extract(epoch FROM ${c}) * 1000)::float8`;
    if (type === "ARRAY") return `array_to_json(${c})::text`;
    if (type === "boolean") return `${c}::int`;
    if (type === "bigint" || type === "integer") return `${c}::float8`;
    return c;
  });
  return (await admin.unsafe(`SELECT ${select.join(", ")} FROM ${table.name} ORDER BY ${table.key.join(", ")}`).values()) as unknown[][];
}

function copyRows(file: string, table: (typeof copiedTables)[number]): unknown[][] {
  const db = new Database(file, { readonly: true });
  try {
    return db.query(`SELECT ${table.columns.join(", ")} FROM ${table.name} ORDER BY ${table.key.join(", ")}`).values() as unknown[][];
  } finally {
    db.close();
  }
}

async function expectCopyEqualsSource(admin: SQL, file: string): Promise<void> {
  for (const table of copiedTables) {
    const [source, copy] = [await sourceRows(admin, table), copyRows(file, table)];
    expect({ table: table.name, rows: copy.length }).toEqual({ table: table.name, rows: source.length });
    expect(copy).toEqual(source);
  }
}

async function copyEqualsSource(admin: SQL, file: string): Promise<boolean> {
  for (const table of copiedTables) {
    if (!Bun.deepEquals(copyRows(file, table), await sourceRows(admin, table))) return false;
  }
  return true;
}

/** The file's tables, indexes and triggers, by name. */
function schemaOf(db: Database): { type: string; name: string; tbl_name: string; sql: string | null }[] {
  return db.query("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all() as never;
}

/** What the migrations alone make of an empty file: the schema a loaded copy must end with. */
function migratedSchema(): ReturnType<typeof schemaOf> {
  const db = new Database(":memory:");
  try {
    applyMigrations(db);
    return schemaOf(db);
  } finally {
    db.close();
  }
}

/** run_days as its triggers keep it, counted again from the runs. */
function expectRunDaysCounted(file: string): void {
  const kept = queryCopy(file, "SELECT repo_id, day, runs FROM run_days ORDER BY 1, 2");
  expect(kept.length).toBeGreaterThan(0);
  expect(kept).toEqual(queryCopy(file, "SELECT repo_id, created_at / 86400000 AS day, count(*) AS runs FROM workflow_runs GROUP BY 1, 2 ORDER BY 1, 2"));
}

function queryCopy<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.query(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** What the source is (primary, standby, lagging, promoted) is logged apart from the sync's own states. */
const sourceEvent = /^sync_source_(primary|standby|promoted)/;
const states = (lines: LogLine[]) => lines.map((l) => l.event).filter((e) => !sourceEvent.test(e));
/** A sync_state value of a file another process writes, or undefined while there is none. */
function stateOf(file: string, key: string): string | undefined {
  try {
    return queryCopy<{ value: string }>(file, `SELECT value FROM sync_state WHERE key = '${key}'`)[0]?.value;
  } catch {
    return undefined; // the file is still being created
  }
}

/**
 * A transaction that holds `table` locked ACCESS EXCLUSIVE (what a SELECT on it waits for)
 * until release(); `granted` resolves once it holds the lock, `pid` is its backend.
 */
function lockTable(url: string, table: string): { pid: Promise<number>; granted: Promise<void>; release(): Promise<void> } {
  const sql = new SQL(url, { max: 1 });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let pid!: (n: number) => void;
  let granted!: () => void;
  const held = { pid: new Promise<number>((r) => (pid = r)), granted: new Promise<void>((r) => (granted = r)) };
  const done = sql.begin(async (tx) => {
    pid(((await tx`SELECT pg_backend_pid() AS pid`) as { pid: number }[])[0]!.pid);
    await tx.unsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    granted();
    await gate;
  });
  return { ...held, release: async () => {
    open();
    await done;
    await sql.close();
  } };
}

/**
 * Listen on a dead server's port and close every connection at once, until `atLeast` have
 * arrived; resolves with how many did, once the port is free again.
 */
async function countConnections(port: number, atLeast: number): Promise<number> {
  let seen = 0;
  const server = createServer((socket) => {
    seen++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  await waitFor(`${atLeast} connection attempts`, () => seen >= atLeast, 30_000).finally(() => new Promise<void>((r) => server.close(() => r())));
  return seen;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// Every guarantee twice: reading the primary, and reading a hot standby of it while the forge
// writes on the primary (where no transaction id can be assigned, and the data lags).
for (const mode of ["primary", "standby"] as const)
describe.skipIf(binaries === null || (mode === "standby" && !binaries.pg_basebackup))(`sync from the forge's PostgreSQL (${mode})`, () => {
  let pg: TestPostgres;
  let standby: TestStandby | null = null;
  let forge: TestDatabase;
  let admin: SQL;
  let file: string;
  const running: RunningSync[] = [];
  /** The URL the sync reads: the primary's, or the standby's. */
  const sourceOf = (db: TestDatabase) => (standby ? standby.urlsOf(db).readerUrl : db.readerUrl);
  /** The standby has replayed everything written so far (on the primary: at once). */
  const replicated = () => standby?.caughtUp() ?? Promise.resolve();
  // A small margin: correctness must come from the snapshot arithmetic, not from a wide window.
  const follow = (dbPath: string, log: Log, from = sourceOf(forge)) => {
    const sync = startSync({ edges: bunSyncEdges, from, dbPath, log, pollMs: 100, marginMs: 20 });
    running.push(sync);
    return sync;
  };

  beforeAll(async () => {
    pg = await startTestPostgres(binaries!, { replication: mode === "standby" });
    forge = await pg.createDatabase("forge");
    admin = new SQL(forge.adminUrl, { max: 4 });
    await seedPostgres(forge.adminUrl, { repos: 12, runs: 3_000, seed: 7 });
    if (mode === "standby") {
      standby = await pg.startStandby();
      await replicated();
    }
    file = tempFile();
  }, startsPostgres);

  afterAll(async () => {
    for (const s of running) await s.stop().catch(() => {});
    await admin?.close();
    await pg?.destroy();
  });

  test("the sync's role may only SELECT the tables: no sequence, no writes", async () => {
    const [privileges] = await admin`SELECT
      has_table_privilege(${readerRole}, 'workflow_runs', 'SELECT') AS select_runs,
      has_table_privilege(${readerRole}, 'workflow_runs', 'INSERT') AS insert_runs,
      has_sequence_privilege(${readerRole}, 'deleted_rows_seq_seq', 'SELECT,USAGE,UPDATE') AS any_sequence`;
    expect(privileges).toEqual({ select_runs: true, insert_runs: false, any_sequence: false });
  });

  test("the initial load copies every table, row for row", async () => {
    const { log, lines } = capture();
    const sync = startSync({ edges: bunSyncEdges, from: sourceOf(forge), dbPath: file, log, once: true });
    await sync.caughtUp;
    await sync.finished;
    await expectCopyEqualsSource(admin, file);
    // The indexes set aside for the load are all back, as the migrations made them.
    const db = new Database(file, { readonly: true });
    expect(schemaOf(db)).toEqual(migratedSchema());
    db.close();
    expectRunDaysCounted(file);
    expect(states(lines)).toEqual(["sync_started", "sync_loading", "sync_loaded", "sync_following", "sync_stopped"]);
    expect(lines.filter((l) => sourceEvent.test(l.event)).map((l) => l.event)).toEqual(mode === "standby" ? ["sync_source_standby"] : []);
    expect(JSON.stringify(lines)).not.toContain(readerPassword);
    expect(sync.status()).toMatchObject({ state: "stopped", polls: 1 });
  }, 60_000);

  test("values of every shape the forge schema allows load as the driver's values convert", async () => {
    const shapes = await pg.createDatabase("forge_shapes");
    const sql = new SQL(shapes.adminUrl, { max: 1 });
    const max = "9007199254740991";
    const long = "Ünïcødé ✓ ".repeat(8); // past the decoder's cache of short texts
    const awkward = "tab\there, newline\nthere, back\\slash, \"quoted\", 'single', 😀";
    await sql.unsafe(`
      INSERT INTO accounts (id, login, type, site_admin, suspended_at, created_at) VALUES
        (1, 'Ünïcødé-ユーザー', 'User', true, '1969-12-31 23:59:59.999999+00', '1900-01-01 00:00:00.0005+00'),
        (${max}, '${long}', 'Organization', false, NULL, '2999-12-31 23:59:59.999999+00');
      INSERT INTO org_members (org_id, user_id, role) VALUES (${max}, 1, 'owner');
      INSERT INTO repositories (id, owner_id, name, visibility, actions_enabled, default_branch, deleted_at) VALUES
        (${max}, ${max}, 'wide', 'private', false, '${long}', '2000-01-01 00:00:00+00'), (2, 1, 'narrow', 'public', true, 'main', NULL);
      INSERT INTO repo_collaborators (repo_id, user_id, permission) VALUES (${max}, 1, 'admin');
      INSERT INTO personal_access_tokens (id, user_id, name, token_hash, scopes, expires_at, revoked_at) VALUES
        (1, 1, '${awkward.replaceAll("'", "''")}', '${"a".repeat(64)}', ARRAY['repo', 'a,b', 'say "hi"', 'back\\slash', NULL, '{braces}', ''], '1970-01-01 00:00:00.000001+00', NULL),
        (2, 1, 'empty', '${"b".repeat(64)}', '{}', NULL, now());
      INSERT INTO workflows (id, repo_id, path, name, state) VALUES (${max}, ${max}, '.shithub/workflows/${long}.yml', '${long}', 'active');
      INSERT INTO workflow_runs (id, repo_id, workflow_id, run_number, run_attempt, workflow_file, workflow_name, display_title, head_sha, head_ref,
          event, status, conclusion, actor_id, triggering_actor_id, started_at, completed_at, created_at) VALUES
        (${max}, ${max}, ${max}, 2147483647, 32767, '.shithub/workflows/${long}.yml', '${long}', '${awkward.replaceAll("'", "''")}', '${"f".repeat(40)}',
          'refs-like/${long}', 'workflow_dispatch', 'completed', 'startup_failure', ${max}, 1, '1999-12-31 23:59:59.999999+00', '2000-01-01 00:00:00.000999+00', '2026-05-12 15:00:00.123456+00'),
        (1, 2, ${max}, 1, 1, 'ci.yml', 'CI', '', '${"0".repeat(40)}', 'main', 'push', 'queued', NULL, NULL, NULL, NULL, NULL, '1969-07-20 20:17:40+00');
      INSERT INTO workflow_jobs (id, run_id, run_attempt, job_index, job_key, job_name, runs_on, status, conclusion, cancel_requested, needs_jobs,
          runner_name, started_at, completed_at) VALUES
        (${max}, ${max}, 32767, 2147483647, '${long}', '${awkward.replaceAll("'", "''")}', 'ubuntu-latest', 'completed', 'action_required', true,
          ARRAY['${long}', 'b', 'with space', 'with,comma'], '${awkward.replaceAll("'", "''")}', '2026-05-12 15:00:00.000001+00', '2026-05-12 15:00:00.999999+00'),
        (1, 1, 1, 0, 'build', 'build', 'self-hosted', 'queued', NULL, false, '{}', NULL, NULL, NULL);
      INSERT INTO workflow_steps (job_id, number, name, status, conclusion, started_at, completed_at) VALUES
        (${max}, 2147483647, '${long}', 'completed', 'skipped', '2026-05-12 15:00:00.5+00', '2026-05-12 15:00:01+00'), (1, 1, 'Set up job', 'queued', NULL, NULL, NULL);
      INSERT INTO workflow_artifacts (id, run_id, name, size_in_bytes, expires_at) VALUES (${max}, ${max}, '${long}', ${max}, '9999-12-31 23:59:59.999999+00'),
        (1, 1, 'empty', 0, NULL);
    `);
    const target = tempFile();
    const sync = startSync({ edges: bunSyncEdges, from: shapes.readerUrl, dbPath: target, once: true });
    await sync.finished;
    expect(sync.status().lastError).toBeNull();
    await expectCopyEqualsSource(sql, target);
    // The same rows as the driver's values make of them (rows.ts): every row, read by the poll's query.
    const source = openPostgresSource(shapes.readerUrl);
    const viaDriver = await source.inSnapshot(async (s) => {
      const all = new Map<string, unknown[][]>();
      for (const table of copiedTables) all.set(table.name, (await s.changedRows(table, null, null, 1_000)).rows);
      return all;
    });
    await source.close();
    for (const table of copiedTables) {
      const byKey = (a: unknown[], b: unknown[]) => table.keyIndexes.reduce((d, i) => d || (a[i] as number) - (b[i] as number), 0);
      expect({ table: table.name, rows: copyRows(target, table) }).toEqual({ table: table.name, rows: [...viaDriver.get(table.name)!].sort(byKey) });
    }
    await sql.close();
  }, 30_000);

  test("updates, inserts, deletes and cascades arrive", async () => {
    const { log } = capture();
    const sync = follow(file, log);
    await sync.caughtUp;
    const [{ id: repoId, runs }] = await admin`SELECT repo_id AS id, count(*)::int AS runs FROM workflow_runs GROUP BY repo_id ORDER BY count(*) DESC LIMIT 1`;
    expect(runs).toBeGreaterThan(100);
    await admin`UPDATE workflow_runs SET status = 'completed', conclusion = 'cancelled' WHERE id IN (SELECT id FROM workflow_runs WHERE status <> 'completed' LIMIT 20)`;
    await admin`UPDATE accounts SET login = 'Renamed-' || id WHERE id = 7`;
    await admin`INSERT INTO accounts (id, login, type) VALUES (90001, 'newcomer', 'User')`;
    await admin`UPDATE workflow_jobs SET needs_jobs = ARRAY['build', 'lint'], cancel_requested = true WHERE id = (SELECT min(id) FROM workflow_jobs)`;
    await admin`DELETE FROM repositories WHERE id = ${repoId}`;
    await waitFor("the copy to match the source", () => copyEqualsSource(admin, file));
    await expectCopyEqualsSource(admin, file);
    const orphans = queryCopy<{ n: number }>(file, `SELECT
      (SELECT count(*) FROM workflow_runs WHERE repo_id = ${repoId}) + (SELECT count(*) FROM workflows WHERE repo_id = ${repoId})
      + (SELECT count(*) FROM workflow_jobs WHERE run_id NOT IN (SELECT id FROM workflow_runs))
      + (SELECT count(*) FROM workflow_steps WHERE job_id NOT IN (SELECT id FROM workflow_jobs))
      + (SELECT count(*) FROM workflow_artifacts WHERE run_id NOT IN (SELECT id FROM workflow_runs)) AS n`);
    expect(orphans).toEqual([{ n: 0 }]);
    await sync.stop();
  }, 30_000);

  test("a transaction that commits after newer ones still arrives, with its deletes", async () => {
    const { log } = capture();
    const sync = follow(file, log);
    await sync.caughtUp;
    const [a, b] = ((await admin`SELECT id FROM workflow_runs ORDER BY id LIMIT 2`) as { id: string }[]).map((r) => Number(r.id));
    const [c, d] = ((await admin`SELECT id FROM workflow_runs ORDER BY id DESC LIMIT 2`) as { id: string }[]).map((r) => Number(r.id));
    const title = (id: number) => queryCopy<{ t: string }>(file, `SELECT display_title AS t FROM workflow_runs WHERE id = ${id}`)[0]?.t;

    // Alone and open across polls, holding the newest transaction id (above the snapshots' xmax).
    await admin.begin(async (tx) => {
      await tx`UPDATE workflow_runs SET display_title = 'open across polls' WHERE id = ${b}`;
      const polls = sync.status().polls;
      await waitFor("polls while it is open", () => sync.status().polls >= polls + 5);
    });
    await waitFor("the lone transaction's change", () => title(b!) === "open across polls");

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    // Transaction A writes first (older updated_at and seq) and commits last.
    const late = admin.begin(async (tx) => {
      await tx`UPDATE workflow_runs SET display_title = 'written first, committed last' WHERE id = ${a}`;
      await tx`DELETE FROM workflow_runs WHERE id = ${c}`;
      written();
      await gate;
    });
    await wrote;
    await admin`UPDATE workflow_runs SET display_title = 'written second, committed first' WHERE id = ${b}`;
    await admin`DELETE FROM workflow_runs WHERE id = ${d}`;
    await waitFor("B's change", () => title(b!) === "written second, committed first");
    // Several polls pass while A is open; a reader of "newer than the last seen" would skip A.
    const polls = sync.status().polls;
    await waitFor("more polls", () => sync.status().polls >= polls + 5);
    expect(title(a!)).not.toBe("written first, committed last");
    release();
    await late;
    await waitFor("A's change and delete", () => title(a!) === "written first, committed last" && title(c!) === undefined);
    expect(title(d!)).toBeUndefined();
    await waitFor("the copy to match the source", () => copyEqualsSource(admin, file));
    await sync.stop();
  }, 30_000);

  test("a natural key deleted and inserted again is present, and stays present", async () => {
    const { log } = capture();
    const sync = follow(file, log);
    await sync.caughtUp;
    const [member] = await admin`SELECT org_id, user_id, role FROM org_members LIMIT 1`;
    const [step] = await admin`SELECT job_id, number, name FROM workflow_steps ORDER BY job_id DESC LIMIT 1`;
    const memberRole = () => queryCopy<{ role: string }>(file, `SELECT role FROM org_members WHERE org_id = ${member.org_id} AND user_id = ${member.user_id}`)[0]?.role;
    const stepName = () => queryCopy<{ name: string }>(file, `SELECT name FROM workflow_steps WHERE job_id = ${step.job_id} AND number = ${step.number}`)[0]?.name;

    // Deleted, seen deleted, then inserted again in a later poll.
    await admin`DELETE FROM org_members WHERE org_id = ${member.org_id} AND user_id = ${member.user_id}`;
    await waitFor("the delete", () => memberRole() === undefined);
    const role = member.role === "owner" ? "member" : "owner";
    await admin`INSERT INTO org_members (org_id, user_id, role) VALUES (${member.org_id}, ${member.user_id}, ${role})`;
    await waitFor("the re-insert", () => memberRole() === role);

    // Deleted and inserted again between two polls, in two transactions.
    await admin`DELETE FROM workflow_steps WHERE job_id = ${step.job_id} AND number = ${step.number}`;
    await admin`INSERT INTO workflow_steps (job_id, number, name, status) VALUES (${step.job_id}, ${step.number}, 'reborn', 'queued')`;
    await waitFor("the re-inserted step", () => stepName() === "reborn");

    // The old deletes stay in later windows' reach for a while; they must not win.
    const polls = sync.status().polls;
    await waitFor("more polls", () => sync.status().polls >= polls + 10);
    expect(memberRole()).toBe(role);
    expect(stepName()).toBe("reborn");
    await sync.stop();
  }, 30_000);

  test("readers on another connection keep answering and never see half a batch", async () => {
    const { log } = capture();
    const sync = follow(file, log);
    await sync.caughtUp;
    const [{ repo_id, workflow_id, base, jobs }] = await admin`SELECT repo_id, workflow_id,
      (SELECT max(id) FROM workflow_runs) + 1000 AS base, (SELECT max(id) FROM workflow_jobs) + 1000 AS jobs FROM workflow_runs LIMIT 1`;
    const baseId = Number(base);
    const jobBase = Number(jobs);
    const reader = new Database(file, { readonly: true });
    reader.run("PRAGMA busy_timeout = 5000");
    const broken = reader.query(`SELECT
      (SELECT count(*) FROM workflow_runs r WHERE r.id >= ${baseId} AND (SELECT count(*) FROM workflow_jobs j WHERE j.run_id = r.id) <> 3)
      + (SELECT count(*) FROM (SELECT run_id FROM workflow_jobs WHERE run_id >= ${baseId} GROUP BY run_id HAVING count(DISTINCT runner_name) > 1)) AS n`);
    let reads = 0;
    let stop = false;
    const violations: number[] = [];
    const readLoop = (async () => {
      while (!stop) {
        const { n } = broken.get() as { n: number };
        if (n !== 0) violations.push(n);
        reads++;
        await Bun.sleep(1);
      }
    })();
    // Each transaction: a run and its three jobs together, and all three jobs of an earlier run re-labelled together.
    for (let i = 0; i < 60; i++) {
      const id = baseId + i;
      await admin.begin(async (tx) => {
        await tx`INSERT INTO workflow_runs (id, repo_id, workflow_id, run_number, workflow_file, workflow_name, display_title, head_sha, head_ref, event, status)
          VALUES (${id}, ${repo_id}, ${workflow_id}, ${100_000 + i}, '.shithub/workflows/ci.yml', 'CI', 'batch test', ${"a".repeat(40)}, 'main', 'push', 'queued')`;
        for (let j = 0; j < 3; j++) {
          await tx`INSERT INTO workflow_jobs (id, run_id, job_index, job_key, job_name, runs_on, status, runner_name)
            VALUES (${jobBase + i * 3 + j}, ${id}, ${j}, ${"job" + j}, ${"Job " + j}, 'ubuntu-latest', 'queued', 'r0')`;
        }
        if (i > 0) await tx`UPDATE workflow_jobs SET runner_name = ${"r" + i} WHERE run_id = ${baseId + Math.floor(i / 2)}`;
      });
      await Bun.sleep(15);
    }
    await waitFor("the last run", () => queryCopy(file, `SELECT 1 FROM workflow_runs WHERE id = ${baseId + 59}`).length === 1);
    stop = true;
    await readLoop;
    reader.close();
    expect(violations).toEqual([]);
    expect(reads).toBeGreaterThan(100);
    await sync.stop();
  }, 30_000);

  test("an idle forge: the polls go on, the overlap is not written again, the file changes once a heartbeat interval", async () => {
    // The default margin: a change stays in the overlapping windows for a second.
    const sync = startSync({ edges: bunSyncEdges, from: sourceOf(forge), dbPath: file, pollMs: 100 });
    running.push(sync);
    await sync.caughtUp;
    await admin`UPDATE workflow_runs SET display_title = 'idle test' WHERE id = (SELECT min(id) FROM workflow_runs)`;
    await waitFor("the change", () => queryCopy(file, "SELECT 1 FROM workflow_runs WHERE display_title = 'idle test'").length === 1);
    const reader = new Database(file, { readonly: true });
    const dataVersion = () => (reader.query("PRAGMA data_version").get() as { data_version: number }).data_version;
    const [versionBefore, pollsBefore, rowsBefore] = [dataVersion(), sync.status().polls, sync.status().rowsApplied];
    await Bun.sleep(2_000);
    const changes = dataVersion() - versionBefore;
    reader.close();
    expect(sync.status().polls - pollsBefore).toBeGreaterThanOrEqual(15);
    // The changed run stays in the overlapping windows for a while: read again, not written again.
    expect(sync.status().rowsApplied).toBe(rowsBefore);
    // One heartbeat every 5 s: at most one commit in these 2 s, so readers keep their remembered answers.
    expect(changes).toBeLessThanOrEqual(1);
    expect(sync.status()).toMatchObject({ state: "following", fresh: true });
    await sync.stop();
  }, 30_000);

  test("every change arrives while the forge writes continuously", async () => {
    const { log } = capture();
    const sync = follow(file, log);
    await sync.caughtUp;
    const ids = ((await admin`SELECT id FROM workflow_runs ORDER BY id LIMIT 100`) as { id: string }[]).map((r) => Number(r.id));
    const watch = watchVisibility(file, ids);
    const until = performance.now() + 5_000;
    for (let i = 0; performance.now() < until; i++) {
      const title = `fresh-${i}`;
      await admin`UPDATE workflow_runs SET display_title = ${title} WHERE id = ${ids[i % ids.length]!}`;
      watch.committed(title);
      await Bun.sleep(10);
    }
    const { lags: sorted, missed } = await watch.stop(5_000);
    const [p50, p99, max] = [percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]!];
    // How fast is the benchmark's to say (bench/sync.ts); here: every change arrives.
    console.log(`freshness: ${sorted.length} changes, lag p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${max.toFixed(0)} ms (poll every 100 ms)`);
    expect(missed).toBe(0);
    expect(sorted.length).toBeGreaterThan(100);
    expect(sync.status()).toMatchObject({ state: "following", fresh: true });
    await sync.stop();
  }, 30_000);

  // Each mode kills the sync its own way (below): a test of one mode is not declared in the
  // other, rather than reported there as skipped.
  const onlyIn = (wanted: typeof mode) => (wanted === mode ? test : () => {});

  // A forge large enough for a load of several pages, for the tests that kill the sync.
  let bigForge: Promise<TestDatabase> | null = null;
  const big = () => (bigForge ??= (async () => {
    const db = await pg.createDatabase("forge_big");
    await seedPostgres(db.adminUrl, { repos: 20, runs: 20_000, seed: 3 });
    return db;
  })());

  onlyIn("primary")("a sync killed mid-load, and killed mid-batch of a poll, resumes from its last committed batch", async () => {
    // Where each kill lands is made certain by table locks the sync's reads wait on, not by
    // timing, so the forge needs no more rows than a few batches.
    const forgeDb = await pg.createDatabase("forge_killed");
    await seedPostgres(forgeDb.adminUrl, { repos: 4, runs: 400, seed: 3 });
    const forgeAdmin = new SQL(forgeDb.adminUrl, { max: 2 });
    const target = tempFile();
    // The executable's own command, as an operator runs it.
    const child = (once: boolean) => {
      const argv = [process.execPath, join(repoRoot, "src/main.ts"), "sync", "--from", forgeDb.readerUrl, "--db", target, ...(once ? ["--once"] : [])];
      const proc = ownProcess(Bun.spawn(argv, { stdout: "pipe", stderr: "inherit" }));
      let output = "";
      const read = (async () => {
        for await (const chunk of proc.stdout as unknown as AsyncIterable<Uint8Array>) output += new TextDecoder().decode(chunk);
      })();
      /** Its exit code, once its output has been read to the end. */
      const exited = async () => {
        const code = await proc.exited;
        await read;
        return code;
      };
      return { proc, exited, output: () => output };
    };
    const state = (key: string) => JSON.parse(queryCopy<{ value: string }>(target, `SELECT value FROM sync_state WHERE key = '${key}'`)[0]!.value);
    const rows = (table: string) => queryCopy<{ n: number }>(target, `SELECT count(*) AS n FROM ${table}`)[0]!.n;
    /** Whether the sync's connection to this database is waiting for a lock. */
    const syncWaits = async () => ((await forgeAdmin`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = 'actions-runs-sync' AND datname = ${forgeDb.name} AND wait_event_type = 'Lock'`) as { n: number }[])[0]!.n === 1;

    // 1. The load waits on workflow_steps (after every table before it was committed) when it is killed.
    const stepsLock = lockTable(forgeDb.adminUrl, "workflow_steps");
    await stepsLock.granted;
    let { proc } = child(false);
    await waitFor("the load to wait on workflow_steps", syncWaits, 20_000);
    proc.kill("SIGKILL");
    await proc.exited;
    await stepsLock.release();
    expect(state("sync_phase")).toBe("loading");
    expect(state("sync_load_position").table).toBe("workflow_jobs");
    const [{ runs, jobs }] = await forgeAdmin`SELECT (SELECT count(*)::int FROM workflow_runs) AS runs, (SELECT count(*)::int FROM workflow_jobs) AS jobs`;
    expect({ runs: rows("workflow_runs"), jobs: rows("workflow_jobs"), steps: rows("workflow_steps") }).toEqual({ runs, jobs, steps: 0 });
    const resumed = child(true);
    expect(await resumed.exited()).toBe(0);
    expect(resumed.output()).toContain('"resumed":true');
    await expectCopyEqualsSource(forgeAdmin, target);

    // 2. A poll has written a whole transaction's changes into its batch and waits on
    // deleted_rows, its last read before the commit, when it is killed.
    const follower = child(false);
    proc = follower.proc;
    await waitFor("the follower to follow", () => follower.output().includes('"event":"sync_following"'));
    const first = lockTable(forgeDb.adminUrl, "deleted_rows");
    await first.granted;
    await waitFor("a poll to wait on deleted_rows", syncWaits);
    // That poll's snapshot is older than this change; the next poll's is not.
    await forgeAdmin`UPDATE workflow_steps SET name = name || ' (renamed)'`;
    // Queued behind the waiting poll: granted once that poll has ended, then holding the next one.
    const second = lockTable(forgeDb.adminUrl, "deleted_rows");
    const secondPid = await second.pid;
    await waitFor("the second lock to queue", async () => ((await forgeAdmin`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE pid = ${secondPid} AND wait_event_type = 'Lock'`) as { n: number }[])[0]!.n === 1);
    await first.release();
    await second.granted;
    await waitFor("the next poll, holding the renamed steps, to wait on deleted_rows", syncWaits);
    proc.kill("SIGKILL");
    await proc.exited;
    await second.release();
    const { renamed, total } = queryCopy<{ renamed: number; total: number }>(target,
      "SELECT sum(name LIKE '% (renamed)') AS renamed, count(*) AS total FROM workflow_steps")[0]!;
    expect(total).toBeGreaterThan(1000);
    expect(renamed).toBe(0);
    expect(await child(true).proc.exited).toBe(0);
    await expectCopyEqualsSource(forgeAdmin, target);
    expect(queryCopy<{ renamed: number }>(target, "SELECT sum(name LIKE '% (renamed)') AS renamed FROM workflow_steps")[0]!.renamed).toBe(total);
    await forgeAdmin.close();
  }, 60_000);

  // Through a standby the kills land by timing (a streaming cluster cannot take the table
  // locks below without a transaction id), so either side of a batch is accepted there.
  onlyIn("standby")("a sync killed mid-batch resumes from its last committed batch", async () => {
    const bigDb = await big();
    await replicated();
    const bigAdmin = new SQL(bigDb.adminUrl, { max: 2 });
    const target = tempFile();
    // The executable's own command, as an operator runs it.
    const child = (once: boolean) => {
      const argv = [process.execPath, join(repoRoot, "src/main.ts"), "sync", "--from", sourceOf(bigDb), "--db", target, ...(once ? ["--once"] : [])];
      const proc = ownProcess(Bun.spawn(argv, { stdout: "pipe", stderr: "inherit" }));
      let output = "";
      void (async () => {
        for await (const chunk of proc.stdout as unknown as AsyncIterable<Uint8Array>) output += new TextDecoder().decode(chunk);
      })();
      return { proc, output: () => output };
    };
    const state = (key: string) => stateOf(target, key);

    // Killed during the full load, after some batches were committed.
    let { proc } = child(false);
    await waitFor("the load to reach the jobs", () => /workflow_(jobs|steps)/.test(state("sync_load_position") ?? ""), 30_000);
    proc.kill("SIGKILL");
    await proc.exited;
    expect(JSON.parse(state("sync_phase")!)).toBe("loading");
    expect(queryCopy<{ n: number }>(target, "SELECT count(*) AS n FROM workflow_runs")[0]!.n).toBeGreaterThan(0);
    // The killed sync's heartbeat stays behind, as it was: its readers see it age.
    expect(queryCopy<{ state: string }>(target, "SELECT state FROM sync_heartbeat")).toEqual([{ state: "loading" }]);
    ({ proc } = child(true));
    expect(await proc.exited).toBe(0);
    await expectCopyEqualsSource(bigAdmin, target);

    // Killed while a poll applies one large transaction: the copy has all of it or none of it.
    const follower = child(false);
    proc = follower.proc;
    await waitFor("the follower to follow", () => follower.output().includes('"event":"sync_following"'));
    await bigAdmin`UPDATE workflow_steps SET name = name || ' (renamed)'`;
    await replicated();
    // A poll starts within 100 ms and needs far longer than that to apply this many rows.
    await Bun.sleep(250);
    proc.kill("SIGKILL");
    await proc.exited;
    const { renamed, total } = queryCopy<{ renamed: number; total: number }>(target,
      "SELECT sum(name LIKE '% (renamed)') AS renamed, count(*) AS total FROM workflow_steps")[0]!;
    expect([0, total]).toContain(renamed);
    ({ proc } = child(true));
    expect(await proc.exited).toBe(0);
    await expectCopyEqualsSource(bigAdmin, target);
    await bigAdmin.close();
  }, 180_000);

  test("a sync killed while it builds the indexes set aside for the load builds the rest, reading no row again", async () => {
    const bigDb = await big();
    await replicated();
    const bigAdmin = new SQL(bigDb.adminUrl, { max: 2 });
    const indexing = tempFile();
    const killed = Bun.spawn([process.execPath, join(repoRoot, "src/main.ts"), "sync", "--from", sourceOf(bigDb), "--db", indexing], { stdout: "ignore", stderr: "inherit" });
    const left = () => JSON.parse(stateOf(indexing, "sync_deferred_indexes") ?? "[]") as string[];
    // Killed with several of workflow_runs' indexes still to build (the slow ones: more to go after them).
    await waitFor("the index build", () => stateOf(indexing, "sync_phase") === '"indexing"' && left().length >= 4, 60_000);
    killed.kill("SIGKILL");
    await killed.exited;
    expect(JSON.parse(stateOf(indexing, "sync_phase")!)).toBe("indexing");
    const missing = left();
    expect(missing.length).toBeGreaterThan(0);
    const indexNames = () => queryCopy<{ name: string }>(indexing, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").map((r) => r.name);
    const expectedIndexes = migratedSchema().filter((o) => o.type === "index" && o.sql !== null).map((o) => o.name);
    expect(indexNames().length).toBe(expectedIndexes.length - missing.length);
    const resumed = Bun.spawn([process.execPath, join(repoRoot, "src/main.ts"), "sync", "--from", sourceOf(bigDb), "--db", indexing, "--once"], { stdout: "pipe", stderr: "inherit" });
    const resumedLog = await new Response(resumed.stdout).text();
    expect(await resumed.exited).toBe(0);
    expect(resumedLog).toContain('"event":"sync_loaded","rows":0,');
    const reopened = new Database(indexing, { readonly: true });
    expect(schemaOf(reopened)).toEqual(migratedSchema());
    reopened.close();
    expect(left()).toEqual([]);
    await expectCopyEqualsSource(bigAdmin, indexing);
    expectRunDaysCounted(indexing);
    await bigAdmin.close();
  }, 90_000);

  // Last: it takes the whole cluster down and up again.
  test("the source killed and restarted: the copy keeps its data, logs one line per change, catches up", async () => {
    const { log, lines } = capture();
    const sync = follow(file, log);
    await sync.caughtUp;
    const runsBefore = queryCopy<{ n: number }>(file, "SELECT count(*) AS n FROM workflow_runs")[0]!.n;
    await admin.close();

    const source = standby ?? pg;
    await source.kill();
    await waitFor("source_down", () => sync.status().state === "source_down");
    // A second follower that starts while the source is down.
    const late = capture();
    const lateFile = tempFile();
    const lateSync = follow(lateFile, late.log);
    await waitFor("the late follower to notice", () => lateSync.status().state === "source_down");
    // Several retries, counted where they arrive: the source's port answers each connection
    // by closing it, while the server is down.
    const retries = await countConnections(source.port, 6);
    expect(retries).toBeGreaterThanOrEqual(6);
    expect(lines.filter((l) => l.event === "sync_source_down")).toHaveLength(1);
    expect(late.lines.filter((l) => l.event === "sync_source_down")).toHaveLength(1);
    expect(queryCopy<{ n: number }>(file, "SELECT count(*) AS n FROM workflow_runs")[0]!.n).toBe(runsBefore);
    expect(sync.status()).toMatchObject({ state: "source_down", fresh: false });
    expect(JSON.stringify([...lines, ...late.lines])).not.toContain(readerPassword);

    await source.start();
    admin = new SQL(forge.adminUrl, { max: 4 });
    await admin`UPDATE workflow_runs SET display_title = 'after the restart' WHERE id = (SELECT min(id) FROM workflow_runs)`;
    await waitFor("the change after the restart", () =>
      queryCopy(file, "SELECT 1 FROM workflow_runs WHERE display_title = 'after the restart'").length === 1, 20_000);
    await lateSync.caughtUp;
    await waitFor("both copies to match", async () => (await copyEqualsSource(admin, file)) && (await copyEqualsSource(admin, lateFile)), 20_000);
    const events = states(lines);
    expect(events.slice(events.indexOf("sync_source_down"))).toEqual(["sync_source_down", "sync_following"]);
    await waitFor("fresh again", () => sync.status().fresh);
  }, 60_000);
});

describe.skipIf(binaries === null || !binaries.pg_basebackup)("sync from a hot standby: its lag, a paused replay, a promotion", () => {
  let pg: TestPostgres;
  let standby: TestStandby;
  let forge: TestDatabase;
  let admin: SQL;
  let standbyAdmin: SQL;
  let sync: RunningSync | null = null;

  beforeAll(async () => {
    pg = await startTestPostgres(binaries!, { replication: true });
    forge = await pg.createDatabase("forge");
    await seedPostgres(forge.adminUrl, { repos: 4, runs: 400, seed: 11 });
    standby = await pg.startStandby();
    await standby.caughtUp();
    admin = new SQL(forge.adminUrl, { max: 2 });
    standbyAdmin = new SQL(standby.urlsOf(forge).adminUrl, { max: 1 });
  }, 60_000);

  afterAll(async () => {
    await sync?.stop().catch(() => {});
    await admin?.close();
    await standbyAdmin?.close();
    await pg?.destroy();
  });

  test("changes written on the primary reach the copy through the standby; the lag is replication plus poll", async () => {
    const { log, lines } = capture();
    const file = tempFile();
    sync = startSync({ edges: bunSyncEdges, from: standby.urlsOf(forge).readerUrl, dbPath: file, log, pollMs: 100, marginMs: 20 });
    await sync.caughtUp;
    const ids = ((await admin`SELECT id FROM workflow_runs ORDER BY id LIMIT 50`) as { id: string }[]).map((r) => Number(r.id));
    const watch = watchVisibility(file, ids);
    const until = performance.now() + 3_000;
    for (let i = 0; performance.now() < until; i++) {
      const title = `via-standby-${i}`;
      await admin`UPDATE workflow_runs SET display_title = ${title} WHERE id = ${ids[i % ids.length]!}`;
      watch.committed(title);
      await Bun.sleep(10);
    }
    const { lags: sorted, missed } = await watch.stop(5_000);
    const [p50, p99] = [percentile(sorted, 50), percentile(sorted, 99)];
    console.log(`through the standby: ${sorted.length} changes, primary commit to visible in the copy: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (poll every 100 ms)`);
    expect(missed).toBe(0);
    expect(sorted.length).toBeGreaterThan(50);
    const status = sync.status();
    expect(status).toMatchObject({ state: "following", fresh: true, source: { role: "standby", receiving: true } });
    expect(status.source!.replicationLagMs).toBeLessThan(2_000);
    const [beat] = queryCopy<{ source_role: string; lag_ms: number }>(file, "SELECT source_role, lag_ms FROM sync_heartbeat");
    expect(beat!.source_role).toBe("standby");
    expect(lines.filter((l) => l.event === "sync_source_standby")).toHaveLength(1);
  }, 30_000);

  test("a standby whose replay stops: the lag grows past the bound, logged once; caught up again when it resumes", async () => {
    const { log, lines } = capture();
    await sync?.stop();
    const file = tempFile();
    sync = startSync({ edges: bunSyncEdges, from: standby.urlsOf(forge).readerUrl, dbPath: file, log, pollMs: 100, marginMs: 20, freshWithinMs: 1_000 });
    await sync.caughtUp;
    await standbyAdmin`SELECT pg_wal_replay_pause()`;
    try {
      // The primary goes on writing; the standby receives the WAL but applies none of it.
      for (let i = 0; i < 5; i++) {
        await admin`UPDATE workflow_runs SET display_title = ${`paused-${i}`} WHERE id = (SELECT min(id) FROM workflow_runs)`;
        await Bun.sleep(100);
      }
      await waitFor("the lag to pass the bound", () => !sync!.status().fresh, 10_000);
      expect(sync.status().state).toBe("following");
      expect(sync.status().lagMs!).toBeGreaterThan(1_000);
      await Bun.sleep(1_000);
      expect(lines.filter((l) => l.event === "sync_source_standby_lagging")).toHaveLength(1);
    } finally {
      await standbyAdmin`SELECT pg_wal_replay_resume()`;
    }
    await waitFor("fresh again", () => sync!.status().fresh, 10_000);
    await waitFor("the change", () => queryCopy(file, "SELECT 1 FROM workflow_runs WHERE display_title = 'paused-4'").length === 1);
    expect(lines.map((l) => l.event).filter((e) => sourceEvent.test(e))).toEqual(["sync_source_standby", "sync_source_standby_lagging", "sync_source_standby"]);
  }, 30_000);

  test("a standby promoted to primary: logged once, followed on without a reload", async () => {
    const { log, lines } = capture();
    await sync?.stop();
    const file = tempFile();
    sync = startSync({ edges: bunSyncEdges, from: standby.urlsOf(forge).readerUrl, dbPath: file, log, pollMs: 100, marginMs: 20 });
    await sync.caughtUp;
    await standby.promote();
    await waitFor("the promotion", () => lines.some((l) => l.event === "sync_source_promoted"), 10_000);
    // Written on the promoted server itself now.
    const promoted = new SQL(standby.urlsOf(forge).adminUrl, { max: 1 });
    try {
      await promoted`UPDATE workflow_runs SET display_title = 'after the promotion' WHERE id = (SELECT max(id) FROM workflow_runs)`;
      await waitFor("the change", () => queryCopy(file, "SELECT 1 FROM workflow_runs WHERE display_title = 'after the promotion'").length === 1);
      await waitFor("the copy to match the promoted server", () => copyEqualsSource(promoted, file));
    } finally {
      await promoted.close();
    }
    expect(lines.filter((l) => l.event === "sync_source_promoted")).toHaveLength(1);
    expect(states(lines).filter((e) => e === "sync_loading")).toHaveLength(1);
    expect(sync.status()).toMatchObject({ state: "following", fresh: true, source: { role: "primary" } });
  }, 30_000);
});
