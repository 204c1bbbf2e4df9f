// Each table's primary key, in key order, read from the drizzle schema: the one statement of
// it that the sync's copy and the metrics' row walk both follow.
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { forgeTables } from "./schema.ts";
import type { ForgeTable } from "./schema.ts";

export function primaryKeyOf(name: ForgeTable): readonly string[] {
  const config = getTableConfig(forgeTables[name]);
  const key = config.primaryKeys[0]?.columns.map((c) => c.name) ?? config.columns.filter((c) => c.primary).map((c) => c.name);
  if (key.length === 0) throw new Error(`${name} has no primary key`);
  return key;
}
