// The service's SQLite file as the sync writes it under Deno, through node:sqlite's adapter
// (./sqlite.ts); the copy itself is ../sqlite-copy.ts, shared with Bun's edge.
import type { CopyTarget } from "../copy.ts";
import type { Heartbeat } from "../heartbeat.ts";
import { sqliteCopyOver } from "../sqlite-copy.ts";
import type { CopyDatabase } from "../sqlite-copy.ts";
import { Database } from "./sqlite.ts";

/** `heartbeat`: the row the file gets with every commit (see heartbeat.ts). */
export function openSqliteCopy(path: string, heartbeat: () => Heartbeat): CopyTarget {
  return sqliteCopyOver(new Database(path, { create: true }) as unknown as CopyDatabase, heartbeat);
}
