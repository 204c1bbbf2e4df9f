// The SQL migrations and drizzle's schema must describe the same tables and columns, or
// the queries would be written against a database that does not exist.
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../db/schema.ts";
import { migrations } from "../db/migrations/index.ts";

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

test("the listing indexes exist, so a page is an index walk, not a sort", () => {
  const db = new Database(":memory:");
  for (const m of migrations) db.exec(m.sql);
  const plan = db.query<{ detail: string }, []>(
    "EXPLAIN QUERY PLAN SELECT id FROM workflow_runs WHERE repo_id = 1 AND head_ref = 'main' ORDER BY created_at DESC, id DESC LIMIT 30",
  ).all().map((r) => r.detail).join("\n");
  expect(plan).toContain("workflow_runs_repo_ref");
  expect(plan).not.toContain("TEMP B-TREE");
});
