import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "../../db/schema.ts";

/**
 * A synchronous drizzle database over the service's SQLite schema. The query layer only
 * needs this type; which driver stands behind it (bun:sqlite here, node:sqlite elsewhere)
 * is decided by the runtime edge that opens the file.
 */
// biome-ignore lint: drizzle's result type parameter differs per driver
export type ServiceDatabase = BaseSQLiteDatabase<"sync", any, typeof schema>;
