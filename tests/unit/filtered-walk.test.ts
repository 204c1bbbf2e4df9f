// A filtered page read by walking the listing index in list order (src/store/runs.ts,
// filteredWalkRows) when the filter's share of its repository's runs says its rows are near,
// by its keys otherwise: both ways give, page for page, what plain SQL over the table gives,
// including where the share misleads (the filter's runs all old) and the walk must give way.
import { beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import fc from "fast-check";
import { runDayMs } from "../../db/schema.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { createStore } from "../../src/store/index.ts";
import type { RunFilter } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { filteredWalkRows } from "../../src/store/runs.ts";
import { seededCopy } from "../support/db.ts";

let writer: Database;
let store: Store;
/** The statements each listing ran: "walk" (the listing index in order, rows tested) or "keys". */
let ran: string[] = [];
/** The walks' statements, as prepared. */
const walks: string[] = [];
/** The runs of a repository (a listing reads nothing else) of 3,000 runs, 100 a day: the newest 2,000 pushes, the oldest 1,000 scheduled. */
const spread = 900_001;
/** A repository of 2,500 runs on one day, every one a push. */
const oneDay = 900_002;

beforeAll(async () => {
  const path = await seededCopy();
  writer = new Database(path);
  writer.run("PRAGMA busy_timeout = 5000");
  const template = writer.query<{ id: number }, []>("SELECT id FROM workflow_runs ORDER BY id LIMIT 1").get()!.id;
  const start = Date.UTC(2026, 5, 1, 12);
  writer.transaction(() => {
    const copy = writer.prepare(`INSERT INTO workflow_runs (id, repo_id, workflow_id, run_number, run_attempt, workflow_file, workflow_name,
        display_title, head_sha, head_ref, event, status, conclusion, actor_id, triggering_actor_id, started_at, completed_at, created_at, updated_at)
      SELECT ?1, ?2, workflow_id, ?3, 1, workflow_file, workflow_name, display_title, printf('%040x', ?1), ?4, ?5, status, conclusion,
        actor_id, triggering_actor_id, NULL, NULL, ?6, ?6 FROM workflow_runs WHERE id = ?7`);
    for (let i = 0; i < 3000; i++) {
      // Newest first: day i / 100, the branch alternating, the oldest thousand scheduled. The
      // 500th newest is the first run of its day, on the very first millisecond; it and the
      // newest 29 are on "edge", as are the oldest 500.
      const at = i === 499 ? Math.floor((start - 4 * runDayMs) / runDayMs) * runDayMs : start - Math.floor(i / 100) * runDayMs - (i % 100) * 60_000;
      const branch = i < 29 || i === 499 || i >= 2500 ? "edge" : i % 2 === 0 ? "main" : "dev";
      copy.run(5_000_000 + i, spread, 3000 - i, branch, i < 2000 ? "push" : "schedule", at, template);
    }
    for (let i = 0; i < 2500; i++) copy.run(6_000_000 + i, oneDay, 2500 - i, "main", "push", start - i * 1000, template);
  })();
  const opened = openDatabaseFile(path);
  const prepare = opened.sqlite.prepare.bind(opened.sqlite);
  opened.sqlite.prepare = ((query: string, ...rest: []) => {
    const statement = prepare(query, ...rest);
    const kind = query.includes(") in (select") ? "keys"
      : !query.startsWith("select count(*)") && query.includes('"workflow_runs"."created_at" >= +?') ? "walk" : null;
    if (kind === null) return statement;
    if (kind === "walk") walks.push(query);
    const values = statement.values.bind(statement);
    statement.values = ((...params: []) => {
      ran.push(kind);
      return values(...params);
    }) as typeof statement.values;
    return statement;
  }) as typeof opened.sqlite.prepare;
  store = createStore(opened.db);
});

const sqlOf: Record<string, (f: RunFilter) => [string, unknown[]]> = {
  headRef: (f) => ["head_ref = ?", [f.headRef]],
  event: (f) => ["event = ?", [f.event]],
  conclusion: (f) => ["conclusion = ?", [f.conclusion]],
  headSha: (f) => ["head_sha = ?", [f.headSha]],
  actorLogin: (f) => ["actor_id = (SELECT id FROM accounts WHERE login = ?)", [f.actorLogin]],
  createdFrom: (f) => [`created_at ${f.createdFromInclusive ? ">=" : ">"} ?`, [f.createdFrom]],
  createdTo: (f) => [`created_at ${f.createdToInclusive ? "<=" : "<"} ?`, [f.createdTo]],
};

/** The page by plain SQL over the table, and the count. */
function oracle(repoId: number, filter: RunFilter, limit: number, offset: number): { ids: number[]; total: number } {
  const terms = Object.keys(filter).filter((k) => k in sqlOf).map((k) => sqlOf[k]!(filter));
  const where = ["repo_id = ?", ...terms.map(([t]) => t)].join(" AND ");
  const params = [repoId, ...terms.flatMap(([, p]) => p)] as never[];
  const ids = writer.query<{ id: number }, never[]>(
    `SELECT id FROM workflow_runs NOT INDEXED WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`).all(...params);
  const total = writer.query<{ n: number }, never[]>(`SELECT count(*) AS n FROM workflow_runs WHERE ${where}`).get(...params)!.n;
  return { ids: ids.map((r) => r.id), total };
}

/** The store's page, checked against the oracle; which statements it ran. */
function listed(repoId: number, filter: RunFilter, limit: number, offset: number): string[] {
  ran = [];
  const { runs, total } = store.listRuns(repoId, filter, { limit, offset }, null);
  const expected = oracle(repoId, filter, limit, offset);
  const where = `repository ${repoId}, ${JSON.stringify(filter)}, ${limit} from ${offset}`;
  expect(runs.map((r) => r.id), where).toEqual(expected.ids);
  expect(total, where).toBe(expected.total);
  return ran;
}

describe("a filtered page", () => {
  test("of a filter two thirds of the runs match: walked in list order, nothing else read", () => {
    expect(listed(spread, { event: "push" }, 30, 0)).toEqual(["walk"]);
    // A third, on its second page: within about 60 × 3 rows.
    expect(listed(spread, { event: "push", headRef: "main" }, 30, 30)).toEqual(["walk"]);
  });

  test("whose runs are all older than the walk goes: walked, then found by its keys", () => {
    // A third of the runs, so a first page should lie within its first hundred rows; they are the oldest thousand.
    expect(listed(spread, { event: "schedule" }, 30, 0)).toEqual(["walk", "keys"]);
  });

  test("walked down to the first millisecond of the oldest day it reads", () => {
    // The newest five days hold the walk's 500 rows: the page's last run is the first of the fifth.
    expect(listed(spread, { headRef: "edge" }, 30, 0)).toEqual(["walk"]);
  });

  test("of a sparse filter, or deep: found by its keys alone", () => {
    expect(listed(spread, { headSha: (5_000_000 + 17).toString(16).padStart(40, "0") }, 30, 0)).toEqual(["keys"]);
    expect(listed(spread, { event: "push" }, 30, 1500)).toEqual(["keys"]);
  });

  test("where one day holds more runs than the walk may read: found by its keys", () => {
    expect(listed(oneDay, { event: "push" }, 30, 0)).toEqual(["keys"]);
  });

  test("of a repository smaller than the walk: walked from its oldest run on", () => {
    const { repo_id: repoId, n } = writer.query<{ repo_id: number; n: number }, [number]>(
      "SELECT repo_id, count(*) AS n FROM workflow_runs WHERE repo_id < ? GROUP BY repo_id ORDER BY n DESC LIMIT 1").get(spread)!;
    expect(n).toBeLessThan(filteredWalkRows);
    expect(listed(repoId, { event: "push" }, 30, 0)).toEqual(["walk"]);
    expect(listed(repoId, { event: "push" }, 30, 60)).toEqual(["walk"]);
  });

  test("each filter's walk is the listing index's, from the repository's newest run to the floor, no sort", () => {
    // What every run of the repository shares with the one it was copied from.
    const run = writer.query<{ workflow_id: number; workflow_file: string; status: string; conclusion: string; login: string }, [number]>(
      `SELECT workflow_id, workflow_file, status, conclusion, a.login FROM workflow_runs w JOIN accounts a ON a.id = w.actor_id
       WHERE repo_id = ? LIMIT 1`).get(spread)!;
    const filters: RunFilter[] = [{ workflowId: run.workflow_id }, { workflowFile: run.workflow_file }, { headRef: "main" }, { actorLogin: run.login },
      { event: "push" }, { status: run.status as RunFilter["status"] }, { conclusion: run.conclusion }, { createdFrom: 0, createdTo: Date.UTC(2100, 0) }];
    for (const filter of filters) expect(listed(spread, filter, 1, 0), JSON.stringify(filter)).toEqual(["walk"]);
    for (const query of walks) {
      const plan = writer.query<{ detail: string }, number[]>(`EXPLAIN QUERY PLAN ${query}`).all(...[...query.matchAll(/\?/g)].map(() => 1));
      // The actor's login is looked up once, beside the walk.
      expect(plan.map((r) => r.detail).join("\n"), query).toMatch(
        /^SEARCH workflow_runs USING COVERING INDEX workflow_runs_repo_listing \(repo_id=\? AND created_at>\?( AND created_at<\?)?\)(\nSCALAR SUBQUERY \d+\nSEARCH accounts USING COVERING INDEX accounts_login \(login=\?\))?$/);
    }
  });

  test("every page, every way, is the page plain SQL gives", () => {
    const repos = [spread, oneDay, ...writer.query<{ repo_id: number }, [number]>(
      "SELECT repo_id FROM workflow_runs WHERE repo_id < ? GROUP BY repo_id ORDER BY count(*) DESC LIMIT 4").all(spread).map((r) => r.repo_id)];
    const logins = writer.query<{ login: string }, []>("SELECT login FROM accounts ORDER BY id LIMIT 4").all().map((r) => r.login);
    const filter = fc.record({
      headRef: fc.constantFrom("main", "dev", "edge", "nowhere"),
      event: fc.constantFrom("push", "schedule", "pull_request"),
      conclusion: fc.constantFrom("success", "failure"),
      actorLogin: fc.constantFrom(...logins),
      createdFrom: fc.integer({ min: Date.UTC(2025, 0), max: Date.UTC(2026, 5, 2) }),
      createdFromInclusive: fc.boolean(),
      createdTo: fc.integer({ min: Date.UTC(2026, 4, 1), max: Date.UTC(2027, 0) }),
    }, { requiredKeys: [] }).filter((f) => Object.keys(f).some((k) => k !== "createdFromInclusive"));
    const seen = new Set<string>();
    fc.assert(fc.property(fc.constantFrom(...repos), filter, fc.constantFrom(1, 30, 100), fc.nat(3100), (repoId, f, limit, offset) => {
      const total = oracle(repoId, f, 1, 0).total;
      for (const way of listed(repoId, f, limit, total === 0 ? 0 : offset % (total + 2))) seen.add(way);
    }), { numRuns: 400, seed: 11 });
    // Both ways were taken.
    expect([...seen].sort()).toEqual(["keys", "walk"]);
  });
});
