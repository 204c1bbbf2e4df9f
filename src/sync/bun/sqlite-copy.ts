// The service's SQLite file as the sync writes it, through bun:sqlite (the copy itself is
// ../sqlite-copy.ts, shared with the Deno edge).
import { Database } from "bun:sqlite";
import type { CopyTarget } from "../copy.ts";
import type { Heartbeat } from "../heartbeat.ts";
import { sqliteCopyOver } from "../sqlite-copy.ts";
import type { CopyDatabase } from "../sqlite-copy.ts";

/** `heartbeat`: the row the file gets with every commit (see heartbeat.ts). */
export function openSqliteCopy(path: string, heartbeat: () => Heartbeat): CopyTarget {
  return sqliteCopyOver(new Database(path, { create: true, strict: true }) as unknown as CopyDatabase, heartbeat);
}
