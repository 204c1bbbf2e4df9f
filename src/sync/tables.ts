// The tables the sync copies: their columns and primary keys, read from the service's drizzle
// schema so that the copy cannot name a column the SQLite file does not have. The forge's
// tables carry the same columns (tests/e2e/forge-contract.test.ts holds db/forge/schema.sql to both).
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { primaryKeyOf } from "../../db/keys.ts";
import { forgeTables } from "../../db/schema.ts";
import type { ForgeTable } from "../../db/schema.ts";

export type { ForgeTable };

export interface CopiedTable {
  name: ForgeTable;
  columns: readonly string[];
  /** Primary-key columns, in key order; all integers in the forge schema. */
  key: readonly string[];
  /** Position of each key column in `columns`. */
  keyIndexes: readonly number[];
}

function describe(name: ForgeTable): CopiedTable {
  const config = getTableConfig(forgeTables[name]);
  const columns = config.columns.map((c) => c.name);
  const key = primaryKeyOf(name);
  for (const k of key) {
    const column = config.columns.find((c) => c.name === k)!;
    if (column.columnType !== "SQLiteInteger") throw new Error(`${name}.${k}: the sync expects integer primary keys`);
  }
  if (!columns.includes("updated_at")) throw new Error(`${name} has no updated_at, so its changes cannot be found`);
  return { name, columns, key, keyIndexes: key.map((k) => columns.indexOf(k)) };
}

/** In the order a full load copies them (parents before children, as db/schema.ts lists them). */
export const copiedTables: readonly CopiedTable[] = (Object.keys(forgeTables) as ForgeTable[]).map(describe);

const byName = new Map(copiedTables.map((t) => [t.name as string, t]));

/** The copied table of this name, or undefined for a forge table the service does not copy. */
export function copiedTable(name: string): CopiedTable | undefined {
  return byName.get(name);
}

export type KeyValues = readonly number[];

/** A row's primary key, from its values in `columns` order. */
export function keyOf(table: CopiedTable, row: readonly unknown[]): KeyValues {
  return table.keyIndexes.map((i) => row[i] as number);
}
