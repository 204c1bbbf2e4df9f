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
