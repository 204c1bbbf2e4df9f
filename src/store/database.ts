import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "../../db/schema.ts";

/**
 * A synchronous drizzle database over the service's SQLite schema. The query layer only
 * needs this type; which driver stands behind it (bun:sqlite here, node:sqlite elsewhere)
 * is decided by the runtime edge that opens the file.
 */
// The result type parameter differs per driver (bun:sqlite, node:sqlite): any of them will do.
export type ServiceDatabase = BaseSQLiteDatabase<"sync", any, typeof schema>;
