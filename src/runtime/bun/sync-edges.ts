// The sync's edges under Bun: Bun.sql for the forge's PostgreSQL, bun:sqlite for the copy.
// Loaded by the runtime only for a sync (runtime/types.ts: syncEdges).
import { openPostgresSource } from "../../sync/bun/postgres-source.ts";
import { openSqliteCopy } from "../../sync/bun/sqlite-copy.ts";
import type { SyncEdges } from "../../sync/index.ts";

export const bunSyncEdges: SyncEdges = { openSource: openPostgresSource, openTarget: openSqliteCopy };
