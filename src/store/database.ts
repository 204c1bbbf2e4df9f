import { sql } from "drizzle-orm";
import type { Placeholder, SQL } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "../../db/schema.ts";

/**
 * A synchronous drizzle database over the service's SQLite schema. The query layer only
 * needs this type; which driver stands behind it (bun:sqlite here, node:sqlite elsewhere)
 * is decided by the runtime edge that opens the file.
 */
// The result type parameter differs per driver (bun:sqlite, node:sqlite): any of them will do.
export type ServiceDatabase = BaseSQLiteDatabase<"sync", any, typeof schema>;

/** What the store runs of a prepared statement. */
export interface Runnable {
  values(params?: Record<string, unknown>): unknown;
  get(params?: Record<string, unknown>): unknown;
  all(params?: Record<string, unknown>): unknown;
}

/**
 * A statement built and prepared the first time it runs, not when the store is made: the store
 * has some forty, building them took 10-15 ms of every start, and a request needs a few.
 */
export function preparedOnFirstUse<S extends Runnable>(prepare: () => S): Pick<S, "values" | "get" | "all"> {
  let statement: S | null = null;
  return {
    values: (params) => (statement ??= prepare()).values(params),
    get: (params) => (statement ??= prepare()).get(params),
    all: (params) => (statement ??= prepare()).all(params),
  } as Pick<S, "values" | "get" | "all">;
}

/**
 * A statement's parameter, written `+?`. SQLite (3.54 in Bun, 3.53 in Deno's node:sqlite) marks
 * a prepared statement to be compiled again whenever a parameter its planner looked at is
 * bound anew: a LIMIT's, or an equality's beside an ORDER BY. Every runs page, jobs page and
 * day count was so prepared again at every call: a one-row walk of the listing index cost
 * 8-10 µs bound as `?`, 0.4 µs as `+?` or as literals (under Deno, 11 µs against 1.2). Under a
 * unary plus the planner sees an expression, not a parameter; the value is the same, and an
 * index on the column is used the same (the plus is on the value's side, not the column's).
 */
export function param(name: string): SQL {
  return sql`+${sql.placeholder(name)}`;
}

/**
 * A LIMIT or OFFSET, for the builders' `.limit()` and `.offset()` (typed to take a number or
 * a placeholder; at runtime, SQL): the named parameter under a plus, or a number written into
 * the statement. A number given to the builder is bound: `limit ?` made a lookup of one row
 * by its key compile again at each call too (3.3 µs against 0.5).
 */
export function pageTerm(value: "limit" | "offset" | number): Placeholder {
  return (typeof value === "number" ? sql.raw(String(Math.trunc(value))) : param(value)) as unknown as Placeholder;
}
