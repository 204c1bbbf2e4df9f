// What the sync needs from the service's SQLite file, as plain types (the bun:sqlite
// implementation is in bun/sqlite-copy.ts), and how its progress is kept in sync_state:
// written in the same transaction as the rows it describes, so a killed sync resumes exactly.
import type { RowBlock, SqliteRow } from "./rows.ts";
import type { CopiedTable, ForgeTable, KeyValues } from "./tables.ts";
import type { PollMark } from "./watermarks.ts";

export interface LoadPosition {
  /** The table being loaded, and the last primary key committed from it (null: none yet). */
  table: ForgeTable;
  after: KeyValues | null;
}

export interface SyncProgress {
  /**
   * empty: never loaded; loading: a full load is under way; indexing: its rows are in, the
   * indexes set aside for it are being built again; following: applying changes.
   */
  phase: "empty" | "loading" | "indexing" | "following";
  load: LoadPosition | null;
  /** CREATE INDEX statements a load dropped and has not built again yet (built after the rows: faster). */
  indexes: string[];
  /** Poll marks, oldest first; the next change window starts at the first. */
  history: PollMark[];
  /** The source's clock (ms) at the snapshot the copy reflects. */
  dataAsOfMs: number | null;
}

/** The copy; one batch = begin, upsert/remove, commit with the progress it reaches. */
export interface CopyTarget {
  progress(): SyncProgress;
  begin(): void;
  upsert(table: CopiedTable, rows: readonly SqliteRow[]): void;
  /** The same for rows in blocks (rows.ts), as a full load reads them. */
  upsertBlocks(table: CopiedTable, blocks: readonly RowBlock[]): void;
  remove(table: CopiedTable, keys: readonly KeyValues[]): void;
  /** Delete every copied row (a full load starts from nothing). */
  clear(): void;
  /** Drop the copied tables' secondary indexes; returns the statements that create them again. */
  dropIndexes(): string[];
  /** Run one statement (a CREATE INDEX that dropIndexes returned). */
  execute(statement: string): void;
  /** Commits the batch with the progress it reaches and the sync's heartbeat as of now. */
  commit(progress: Partial<SyncProgress>): void;
  rollback(): void;
  /** The heartbeat alone, in a transaction of its own (a state change, or an idle interval passed). */
  beat(): void;
  /** No heartbeat any more: nothing follows the file (after a --once run). */
  clearHeartbeat(): void;
  close(): void;
}

const keys = {
  phase: "sync_phase",
  load: "sync_load_position",
  indexes: "sync_deferred_indexes",
  history: "sync_watermarks",
  dataAsOfMs: "sync_data_as_of_ms",
} as const satisfies Record<keyof SyncProgress, string>;

export const syncStateKeys: readonly string[] = Object.values(keys);

export const emptyProgress: SyncProgress = { phase: "empty", load: null, indexes: [], history: [], dataAsOfMs: null };

/** sync_state rows (key → JSON text) for the fields given. */
export function progressEntries(progress: Partial<SyncProgress>): [string, string][] {
  return (Object.keys(keys) as (keyof SyncProgress)[])
    .filter((field) => progress[field] !== undefined)
    .map((field) => [keys[field], JSON.stringify(progress[field])]);
}

export function progressFromEntries(entries: ReadonlyMap<string, string>): SyncProgress {
  const read = <K extends keyof SyncProgress>(field: K): SyncProgress[K] => {
    const raw = entries.get(keys[field]);
    return raw === undefined ? emptyProgress[field] : (JSON.parse(raw) as SyncProgress[K]);
  };
  return { phase: read("phase"), load: read("load"), indexes: read("indexes"), history: read("history"), dataAsOfMs: read("dataAsOfMs") };
}
