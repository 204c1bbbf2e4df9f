// The SQL migrations and drizzle's schema must describe the same tables and columns, or
// the queries would be written against a database that does not exist; and the runs store's
// listings must each find an index that gives their order, or a page would be a sort.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../../db/schema.ts";
import { migrations } from "../../db/migrations/index.ts";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { accessQueries } from "../../src/store/access.ts";
import { runQueries } from "../../src/store/runs.ts";
import type { RunFilter } from "../../src/store/runs.ts";
import { seededDatabase } from "../support/db.ts";

test("every drizzle table matches the migrated database, column for column", () => {
  const db = new Database(":memory:");
  for (const m of migrations) db.exec(m.sql);
  const tables = Object.values(schema as Record<string, unknown>).filter((v): v is SQLiteTable => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v);
  expect(tables.length).toBeGreaterThanOrEqual(11);
  for (const table of tables) {
    const config = getTableConfig(table);
    const actual = db.query<{ name: string; notnull: number; pk: number }, []>(`PRAGMA table_info(${config.name})`).all();
    expect(actual.length).toBeGreaterThan(0);
    const actualCols = Object.fromEntries(actual.map((c) => [c.name, { notNull: c.notnull === 1 || c.pk > 0 }]));
    const declared = Object.fromEntries(config.columns.map((c) => [c.name, { notNull: c.notNull || c.primary }]));
    expect({ table: config.name, columns: declared }).toEqual({ table: config.name, columns: actualCols });
  }
});

describe("every listing is an index walk in list order, not a sort", () => {
  // The statements the runs store itself prepares (recorded as it prepares them), planned by
  // SQLite over the seeded file and its statistics: the page's ids must come from one index of
  // workflow_runs walked in (created_at, id) order, with no sort step. The few rows of a page
  // are then read by id and ordered again, which is cheap and not checked here.
  let sqlite: Database;
  let runs: ReturnType<typeof runQueries>;
  const prepared: string[] = [];
  beforeAll(async () => {
    sqlite = new Database(await seededDatabase(), { readonly: true });
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((query: string, ...rest: []) => {
      prepared.push(query);
      return prepare(query, ...rest);
    }) as typeof sqlite.prepare;
    const db = drizzle(sqlite, { schema });
    runs = runQueries(db, () => null, accessQueries(db).findAccount);
  });
  afterAll(() => sqlite.close());

  interface PlanRow { id: number; parent: number; detail: string }
  const planOf = (query: string) =>
    sqlite.query<PlanRow, number[]>(`EXPLAIN QUERY PLAN ${query}`).all(...[...query.matchAll(/\?/g)].map(() => 1));
  /** The plan of the page's id subquery: the rows under its LIST SUBQUERY node. */
  function idWalk(query: string): string[] {
    const plan = planOf(query);
    const subquery = plan.find((r) => r.detail.startsWith("LIST SUBQUERY"));
    expect(subquery, query).toBeDefined();
    const under = (id: number): PlanRow[] => plan.filter((r) => r.parent === id).flatMap((r) => [r, ...under(r.id)]);
    return under(subquery!.id).map((r) => r.detail);
  }
  function listed(filter: RunFilter): { page: string; total: string | undefined } {
    const from = prepared.length;
    runs.listRuns(1, filter, { limit: 30, offset: 0 }, null);
    const mine = prepared.slice(from);
    return { page: mine.find((q) => q.includes(" in (select"))!, total: mine.find((q) => q.startsWith("select count(*)")) };
  }

  // gh run list's filters (-w, -b, -u, -e, -s as a status or a conclusion, -c, --created) and the forge's workflow_file.
  const filters: Record<string, [RunFilter, string]> = {
    workflow: [{ workflowId: 1 }, "workflow_runs_repo_workflow"],
    "workflow file": [{ workflowFile: ".shithub/workflows/ci.yml" }, "workflow_runs_repo_file"],
    branch: [{ headRef: "main" }, "workflow_runs_repo_ref"],
    actor: [{ actorLogin: "alice" }, "workflow_runs_repo_actor"],
    event: [{ event: "push" }, "workflow_runs_repo_event"],
    status: [{ status: "completed" }, "workflow_runs_repo_status"],
    conclusion: [{ conclusion: "failure" }, "workflow_runs_repo_conclusion"],
    commit: [{ headSha: "a".repeat(40) }, "workflow_runs_repo_sha"],
    created: [{ createdFrom: 0, createdFromInclusive: true, createdTo: Date.UTC(2100, 0) }, "workflow_runs_repo_created"],
  };
  // The pairs with an index of their own (README: every filter pair gh sends has an index in list order).
  const ownIndex: Record<string, string> = {
    "workflow + branch": "workflow_runs_repo_workflow_ref",
    "branch + status": "workflow_runs_repo_ref_status",
    "branch + conclusion": "workflow_runs_repo_ref_conclusion",
  };
  const names = Object.keys(filters);
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => [a, b] as const));

  test("no filter: the page is one walk of workflow_runs_repo_listing from its day (run_days), rows and all", () => {
    // Its statement is prepared by the first listing that needs it.
    runs.listRuns(1, {}, { limit: 30, offset: 0 }, null);
    const page = prepared.find((q) => !q.includes(" in (select") && q.includes('"workflow_runs"."created_at" < +?'));
    expect(page).toBeDefined();
    const plan = planOf(page!).map((r) => r.detail).join("\n");
    expect(plan).toBe("SEARCH workflow_runs USING COVERING INDEX workflow_runs_repo_listing (repo_id=? AND created_at<?)");
  });

  test("a filtered page reads its rows from workflow_runs_repo_listing by key, not from the table", () => {
    // Filters no other test here asks for together: the statement is prepared by this listing.
    const from = prepared.length;
    runs.listRuns(1, { headRef: "main", conclusion: "success", event: "push" }, { limit: 30, offset: 0 }, null);
    const page = prepared.slice(from).find((q) => q.includes(") in (select"))!;
    const outer = planOf(page).filter((r) => r.parent === 0).map((r) => r.detail);
    // By its key, or its first two columns where the statistics say a repository's timestamps are all but unique.
    expect(outer[0]).toMatch(/^SEARCH workflow_runs USING COVERING INDEX workflow_runs_repo_listing \(repo_id=\? AND created_at=\?( AND id=\?)?\)$/);
  });

  test("workflow_runs_repo_listing holds every column of workflow_runs", () => {
    const columns = (sql: string) => sqlite.query<{ name: string }, []>(sql).all().map((c) => c.name).sort();
    expect(columns("SELECT name FROM pragma_index_info('workflow_runs_repo_listing') WHERE name IS NOT NULL"))
      .toEqual(columns("SELECT name FROM pragma_table_info('workflow_runs') WHERE pk = 0").concat("id").sort());
  });

  for (const [name, [filter, index]] of Object.entries(filters)) {
    test(`${name}: its own index, no sort`, () => {
      const { page, total } = listed(filter);
      const walk = idWalk(page).join("\n");
      expect(walk).toMatch(new RegExp(`^SEARCH workflow_runs USING COVERING INDEX ${index} \\(`, "m"));
      expect(walk).not.toContain("TEMP B-TREE");
      expect(planOf(total!).map((r) => r.detail).join("\n")).toMatch(/^SEARCH workflow_runs USING (COVERING )?INDEX /m);
    });
  }

  for (const [a, b] of pairs) {
    const own = ownIndex[`${a} + ${b}`];
    test(`${a} + ${b}: ${own ?? "an index of one of them"}, no sort`, () => {
      const { page, total } = listed({ ...filters[a]![0], ...filters[b]![0] });
      const walk = idWalk(page).join("\n");
      const index = own ?? `(${filters[a]![1]}|${filters[b]![1]})`;
      expect(walk).toMatch(new RegExp(`^SEARCH workflow_runs USING (COVERING )?INDEX ${index} \\(`, "m"));
      expect(walk).not.toContain("TEMP B-TREE");
      expect(planOf(total!).map((r) => r.detail).join("\n")).toMatch(/^SEARCH workflow_runs USING (COVERING )?INDEX /m);
    });
  }
});
