// The sync's edges under Deno: the `pg` package for the forge's PostgreSQL, node:sqlite for
// the copy. Loaded by the runtime only for a sync (runtime/types.ts: syncEdges).
import { openPgSource } from "../../sync/deno/pg-source.ts";
import { openSqliteCopy } from "../../sync/deno/sqlite-copy.ts";
import type { SyncEdges } from "../../sync/index.ts";

export const denoSyncEdges: SyncEdges = { openSource: openPgSource, openTarget: openSqliteCopy };
