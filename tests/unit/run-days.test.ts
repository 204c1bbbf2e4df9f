// run_days, the per-day run counts behind deep pages (0002_run_days.sql): kept exact by its
// triggers through every kind of write the sync and the seed make, and a listing found through
// it is, page for page, the listing an OFFSET walk over the index gives.
import { beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import fc from "fast-check";
import { runDayMs } from "../../db/schema.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { createStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { seededCopy } from "../support/db.ts";

let writer: Database;
let store: Store;
let repoIds: number[];

beforeAll(async () => {
  const path = await seededCopy();
  writer = new Database(path);
  writer.run("PRAGMA busy_timeout = 5000");
  store = createStore(openDatabaseFile(path).db);
  repoIds = writer.query<{ repo_id: number }, []>("SELECT DISTINCT repo_id FROM workflow_runs ORDER BY repo_id").all().map((r) => r.repo_id);
});

/** Rows of run_days that disagree with a count of workflow_runs itself. */
function disagreements(): unknown[] {
  return writer.query(`
    SELECT coalesce(c.repo_id, d.repo_id) AS repo_id, coalesce(c.day, d.day) AS day, c.runs AS counted, d.runs AS kept
    FROM (SELECT repo_id, created_at / ${runDayMs} AS day, count(*) AS runs FROM workflow_runs GROUP BY 1, 2) c
    FULL JOIN run_days d ON d.repo_id = c.repo_id AND d.day = c.day
    WHERE c.runs IS NOT d.runs`).all();
}

/** The listing as an OFFSET walk over the index (the way without run_days). */
function walked(repoId: number, limit: number, offset: number, db = writer): number[] {
  return db.query<{ id: number }, [number, number, number]>(
    "SELECT id FROM workflow_runs WHERE repo_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3").all(repoId, limit, offset).map((r) => r.id);
}

function expectSameListing(repoId: number, limit: number, offset: number) {
  const { runs, total } = store.listRuns(repoId, {}, { limit, offset }, null);
  const where = `repository ${repoId}, ${limit} from ${offset}`;
  expect(runs.map((r) => r.id), where).toEqual(walked(repoId, limit, offset));
  expect(total, where).toBe(writer.query<{ n: number }, [number]>("SELECT count(*) AS n FROM workflow_runs WHERE repo_id = ?1").get(repoId)!.n);
}

describe("run_days", () => {
  test("the seeded file's counts are exact", () => {
    expect(writer.query<{ n: number }, []>("SELECT count(*) AS n FROM run_days").get()!.n).toBeGreaterThan(100);
    expect(disagreements()).toEqual([]);
  });

  test("listings without filters are found through it", () => {
    // A count changed by hand (and put back) shows in the listing's total.
    const repoId = repoIds[0]!;
    const before = store.listRuns(repoId, {}, { limit: 1, offset: 0 }, null).total;
    writer.run("UPDATE run_days SET runs = runs + 5 WHERE repo_id = ? AND day = (SELECT max(day) FROM run_days WHERE repo_id = ?)", [repoId, repoId]);
    const changed = store.listRuns(repoId, {}, { limit: 1, offset: 0 }, null).total;
    writer.run("UPDATE run_days SET runs = runs - 5 WHERE repo_id = ? AND day = (SELECT max(day) FROM run_days WHERE repo_id = ?)", [repoId, repoId]);
    expect(changed).toBe(before + 5);
    // Filtered listings count the runs themselves.
    expect(store.listRuns(repoId, { event: "push" }, { limit: 1, offset: 0 }, null).total).toBeLessThan(before);
  });

  test("a repository's counts are read once a data version: a write seen under a new version, never under the old", () => {
    const [first, second] = [repoIds[0]!, repoIds[1]!];
    const bump = (repoId: number, by: number) =>
      writer.run("UPDATE run_days SET runs = runs + ? WHERE repo_id = ? AND day = (SELECT max(day) FROM run_days WHERE repo_id = ?)", [by, repoId, repoId]);
    const totalAt = (repoId: number, version: number) => store.listRuns(repoId, {}, { limit: 30, offset: 0 }, version).total;
    const before = { first: totalAt(first, 1), second: totalAt(second, 1) };
    bump(first, 5);
    try {
      // Under the version they were read at, the counts stand (the service files a version per commit).
      expect(totalAt(first, 1)).toBe(before.first);
      // A new version reads every repository's counts again.
      expect(totalAt(first, 2)).toBe(before.first + 5);
      expect(totalAt(second, 2)).toBe(before.second);
      // A page deep in the listing is found by the new counts too: the walk of the index skips 5 fewer runs of the newest day.
      const total = writer.query<{ n: number }, [number]>("SELECT count(*) AS n FROM workflow_runs WHERE repo_id = ?1").get(first)!.n;
      expect(store.listRuns(first, {}, { limit: 30, offset: total }, 2).runs.map((r) => r.id)).toEqual(walked(first, 30, total - 5));
    } finally {
      bump(first, -5);
    }
    expect(totalAt(first, 3)).toBe(before.first);
  });

  test("every page of every repository, and the pages around each day's edges, are the OFFSET walk's", () => {
    for (const repoId of repoIds) {
      const total = writer.query<{ n: number }, [number]>("SELECT count(*) AS n FROM workflow_runs WHERE repo_id = ?1").get(repoId)!.n;
      for (let offset = 0; offset <= total + 30; offset += 30) expectSameListing(repoId, 30, offset);
      // Pages that begin on the last run of a day, on the first, and one after.
      const edges = writer.query<{ before: number }, [number]>(`
        SELECT sum(runs) OVER (ORDER BY day DESC) AS before FROM run_days WHERE repo_id = ?1`).all(repoId).map((r) => r.before);
      for (const edge of edges.slice(0, 20)) for (const offset of [edge - 1, edge, edge + 1]) if (offset >= 0) expectSameListing(repoId, 7, offset);
    }
  });

  test("inserts, upserts, moves across days and repositories, deletes and reloads keep the counts exact", () => {
    const columns = writer.query<{ name: string }, []>("PRAGMA table_info(workflow_runs)").all().map((c) => c.name);
    const template = writer.query<Record<string, number | string | null>, []>("SELECT * FROM workflow_runs LIMIT 1").get()!;
    // As the sync writes a row: an upsert on the primary key.
    const upsert = writer.prepare(`INSERT INTO workflow_runs (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})
      ON CONFLICT (id) DO UPDATE SET ${columns.filter((c) => c !== "id").map((c) => `${c} = excluded.${c}`).join(", ")}`);
    const day = (n: number) => n * runDayMs;
    const op = fc.oneof(
      fc.record({ kind: fc.constant("upsert" as const), id: fc.integer({ min: 1, max: 60 }), repo: fc.constantFrom(...repoIds.slice(0, 3)),
        // Around the epoch too, where SQLite's division truncates toward zero.
        at: fc.oneof(fc.integer({ min: day(-3), max: day(3) }), fc.integer({ min: day(20000), max: day(20005) })) }),
      fc.record({ kind: fc.constant("delete" as const), id: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ kind: fc.constant("move" as const), id: fc.integer({ min: 1, max: 60 }), by: fc.integer({ min: -2 * runDayMs, max: 2 * runDayMs }) }),
    );
    const base = 9_000_000;
    // Runs on each edge of the days around the epoch, each a page of its own.
    const repo = repoIds[3]!;
    const edges = [-2 * runDayMs - 1, -2 * runDayMs, -2 * runDayMs + 1, -runDayMs - 1, -runDayMs, -runDayMs + 1, -1, 0, 1, runDayMs - 1, runDayMs];
    edges.forEach((at, i) => upsert.run(...columns.map((c) => (c === "id" ? base + 100 + i : c === "repo_id" ? repo : c === "created_at" ? at : template[c]!))));
    expect(disagreements()).toEqual([]);
    const total = writer.query<{ n: number }, [number]>("SELECT count(*) AS n FROM workflow_runs WHERE repo_id = ?1").get(repo)!.n;
    for (let offset = total - edges.length - 1; offset <= total; offset++) expectSameListing(repo, 1, offset);
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
      writer.run("BEGIN");
      for (const o of ops) {
        if (o.kind === "upsert") upsert.run(...columns.map((c) => (c === "id" ? base + o.id : c === "repo_id" ? o.repo : c === "created_at" ? o.at : template[c]!)));
        else if (o.kind === "delete") writer.run("DELETE FROM workflow_runs WHERE id = ?", [base + o.id]);
        else writer.run("UPDATE workflow_runs SET created_at = created_at + ? WHERE id = ?", [o.by, base + o.id]);
      }
      writer.run("COMMIT");
      expect(disagreements()).toEqual([]);
      for (const repoId of repoIds.slice(0, 3)) for (const offset of [0, 1, 29, 30]) expectSameListing(repoId, 30, offset);
    }), { numRuns: 60 });
    // A full reload (the sync's clear), then the rows back.
    writer.run("BEGIN");
    writer.run("CREATE TEMP TABLE kept AS SELECT * FROM workflow_runs");
    writer.run("DELETE FROM workflow_runs");
    expect(writer.query<{ n: number }, []>("SELECT count(*) AS n FROM run_days").get()!.n).toBe(0);
    writer.run("INSERT INTO workflow_runs SELECT * FROM kept");
    writer.run("DROP TABLE kept");
    writer.run("COMMIT");
    expect(disagreements()).toEqual([]);
  });

  test("a file without run_days is listed by the OFFSET walk, with the same pages", async () => {
    const path = await seededCopy();
    const old = new Database(path);
    old.run("DROP TABLE run_days");
    for (const t of ["run_days_insert", "run_days_delete", "run_days_move"]) old.run(`DROP TRIGGER ${t}`);
    const older = createStore(openDatabaseFile(path).db);
    for (const repoId of repoIds.slice(0, 5)) {
      for (const offset of [0, 30, 90]) expect(older.listRuns(repoId, {}, { limit: 30, offset }, null).runs.map((r) => r.id)).toEqual(walked(repoId, 30, offset, old));
    }
    old.close();
  });
});
