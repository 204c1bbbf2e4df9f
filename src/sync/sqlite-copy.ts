// The service's SQLite file as the sync writes it, over any driver with bun:sqlite's shape
// (bun:sqlite itself in bun/sqlite-copy.ts, node:sqlite's adapter in deno/sqlite-copy.ts).
// WAL, so the API's read-only connections keep answering from the last commit while a batch
// is written; a busy timeout, so a checkpoint or a second writer is waited for rather than failed.
import { applyMigrations } from "../../db/migrations/apply.ts";
import { repoChangeTriggers, runDaysFromRuns, runDaysTriggers } from "../../db/migrations/index.ts";
import { progressEntries, progressFromEntries, syncStateKeys } from "./copy.ts";
import type { CopyTarget, SyncProgress } from "./copy.ts";
import { blocksOf, rowsPerBlock } from "./rows.ts";
import type { RowBlock, SqliteRow, SqliteValue } from "./rows.ts";
import { copiedTables } from "./tables.ts";
import { heartbeatColumns, heartbeatValues } from "./heartbeat.ts";
import type { Heartbeat } from "./heartbeat.ts";
import type { CopiedTable, KeyValues } from "./tables.ts";

/** What the copy asks of a SQLite driver: bun:sqlite's Database has it, and so has the node:sqlite adapter. */
export interface CopyStatement {
  run(...values: SqliteValue[]): unknown;
  all(...values: SqliteValue[]): unknown[];
  get(...values: SqliteValue[]): unknown;
  finalize(): void;
}
export interface CopyDatabase {
  run(sql: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): CopyStatement;
  query(sql: string): CopyStatement;
  readonly inTransaction: boolean;
  close(): void;
}

interface TableStatements { upsert: CopyStatement; upsertMany: CopyStatement; remove: CopyStatement }

/** Rows per multi-row upsert: one call binds this many rows, a third less CPU per row than one at a time. */
const rowsPerStatement = rowsPerBlock;

/**
 * The connection's settings by phase (set between transactions).
 *   Following: WAL with synchronous NORMAL, so a commit is atomic and survives a killed
 * process, and only an OS crash can lose the last ones; a 64 MiB page cache.
 *   A full load's rows and its index builds: synchronous OFF, so neither its commits nor its
 * checkpoints wait for the disk. A killed process still loses nothing it committed (the
 * commits are in the WAL file, which the OS writes out whatever becomes of the process); an
 * OS crash during the load can leave the file corrupt: the load then starts again from an
 * empty file. The first
 * checkpoint after the load (synchronous NORMAL again) syncs the whole file.
 *   An index build: a small page cache and a helper thread. The sorter keeps at most a cache's
 * worth of keys in memory per sorted run; runs of 2 MiB are sorted in the CPU cache, by the
 * helper while the table is read, then merged: an index over a million runs built in ~0.8 s
 * instead of ~1.3 s with 64 MiB runs, and in a fraction of the memory.
 */
interface Tuning { pragmas: readonly string[] }
const following: Tuning = { pragmas: ["synchronous = NORMAL", "cache_size = -65536", "threads = 0"] };
const loadingRows: Tuning = { pragmas: ["synchronous = OFF", "cache_size = -65536", "threads = 0"] };
const buildingIndexes: Tuning = { pragmas: ["synchronous = OFF", "cache_size = -2048", "threads = 1"] };
function tuningFor(phase: SyncProgress["phase"]): Tuning {
  return phase === "loading" ? loadingRows : phase === "indexing" ? buildingIndexes : following;
}

/** The copy over an open database; `heartbeat`: the row the file gets with every commit (see heartbeat.ts). */
export function sqliteCopyOver(driver: CopyDatabase, heartbeat: () => Heartbeat): CopyTarget {
  // Every statement prepared here is finalized at close: with any left open, SQLite defers the
  // close (a "zombie" connection), and the WAL is neither checkpointed nor removed, so the file
  // alone would not be the copy (a rebuilt copy is moved into place as a file).
  const prepared: CopyStatement[] = [];
  const db: CopyDatabase = new Proxy(driver, {
    get(target, key) {
      if (key === "prepare") return (sql: string) => {
        const statement = target.prepare(sql);
        prepared.push(statement);
        return statement;
      };
      const value = (target as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  db.run("PRAGMA busy_timeout = 10000");
  db.run("PRAGMA journal_mode = WAL");
  applyMigrations(db);

  const statements = new Map<CopiedTable, TableStatements>(copiedTables.map((t) => {
    const columns = t.columns.join(", ");
    const placeholders = `(${t.columns.map(() => "?").join(", ")})`;
    const updates = t.columns.filter((c) => !t.key.includes(c)).map((c) => `${c} = excluded.${c}`).join(", ");
    const keyMatch = t.key.map((k) => `${k} = ?`).join(" AND ");
    // Rows of one statement are applied in order, so a key twice in it still ends as its last row.
    const upsert = (rows: number) =>
      `INSERT INTO ${t.name} (${columns}) VALUES ${Array(rows).fill(placeholders).join(", ")} ON CONFLICT (${t.key.join(", ")}) DO UPDATE SET ${updates}`;
    return [t, {
      upsert: db.prepare(upsert(1)),
      upsertMany: db.prepare(upsert(rowsPerStatement)),
      remove: db.prepare(`DELETE FROM ${t.name} WHERE ${keyMatch}`),
    }];
  }));
  const writeState = db.prepare("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  const writeHeartbeat = db.prepare(
    `INSERT OR REPLACE INTO sync_heartbeat (id, ${heartbeatColumns.join(", ")}) VALUES (1, ${heartbeatColumns.map(() => "?").join(", ")})`,
  );
  const readState = db.prepare(`SELECT key, value FROM sync_state WHERE key IN (${syncStateKeys.map(() => "?").join(", ")})`);

  // A full load writes without the per-row change counts (migration 0004): each of its commits
  // counts every repository and every fact as changed instead, and the triggers come back in
  // the commit that starts following. The same for run_days (migration 0002): that commit
  // counts it again from the runs. A load resumed after a stop finds the triggers already gone.
  const loadTriggers = [...repoChangeTriggers, ...runDaysTriggers];
  const countEverything = db.prepare("UPDATE repo_changes SET writes = writes + 1 WHERE repo_id IN (0, -1)");
  const presentTriggers = () => new Set((db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((r) => r.name));
  const allPresent = () => {
    const present = presentTriggers();
    return loadTriggers.every((t) => present.has(t.name));
  };
  let counting = allPresent();
  const stopCounting = () => {
    for (const t of loadTriggers) db.run(`DROP TRIGGER IF EXISTS ${t.name}`);
    counting = false;
  };
  const startCounting = () => {
    const present = presentTriggers();
    if (runDaysTriggers.some((t) => !present.has(t.name))) {
      db.run("DELETE FROM run_days");
      db.run(runDaysFromRuns);
    }
    for (const t of loadTriggers) if (!present.has(t.name)) db.run(t.sql);
    counting = true;
  };

  let progress: SyncProgress = progressFromEntries(
    new Map((readState.all(...syncStateKeys) as { key: string; value: string }[]).map((r) => [r.key, r.value])),
  );
  /** A full block in one multi-row statement; the rows of a shorter one each on their own. */
  const upsertBlocks = (table: CopiedTable, blocks: readonly RowBlock[]) => {
    const { upsert, upsertMany } = statements.get(table)!;
    const width = table.columns.length;
    const full = width * rowsPerStatement;
    for (const block of blocks) {
      if (block.length === full) {
        upsertMany.run(...block);
        continue;
      }
      for (let at = 0; at < block.length; at += width) upsert.run(...block.slice(at, at + width));
    }
  };

  let tuned: Tuning | null = null;
  const tune = () => {
    const next = tuningFor(progress.phase);
    if (next === tuned) return;
    for (const pragma of next.pragmas) db.run(`PRAGMA ${pragma}`);
    tuned = next;
  };
  tune();

  return {
    progress: () => progress,
    begin() {
      db.run("BEGIN IMMEDIATE");
    },
    upsert(table: CopiedTable, rows: readonly SqliteRow[]) {
      upsertBlocks(table, blocksOf(rows, table.columns.length));
    },
    upsertBlocks,
    remove(table: CopiedTable, keys: readonly KeyValues[]) {
      const remove = statements.get(table)!.remove;
      for (const key of keys) remove.run(...key);
    },
    clear() {
      stopCounting();
      for (const t of copiedTables) db.run(`DELETE FROM ${t.name}`);
      db.run("DELETE FROM run_days");
    },
    dropIndexes() {
      // The copied tables' own indexes (not their primary keys, which have no SQL), in creation order.
      const indexes = db.query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
        AND tbl_name IN (${copiedTables.map(() => "?").join(", ")}) ORDER BY rowid`).all(...copiedTables.map((t) => t.name)) as { name: string; sql: string }[];
      for (const { name } of indexes) db.run(`DROP INDEX "${name.replaceAll('"', '""')}"`);
      return indexes.map((i) => i.sql);
    },
    execute(statement: string) {
      db.run(statement);
    },
    commit(next: Partial<SyncProgress>) {
      for (const [key, value] of progressEntries(next)) writeState.run(key, value);
      if (!counting) countEverything.run();
      if (!counting && (next.phase ?? progress.phase) === "following") startCounting();
      writeHeartbeat.run(...heartbeatValues(heartbeat()));
      db.run("COMMIT");
      progress = { ...progress, ...next };
      tune();
    },
    beat() {
      if (db.inTransaction) {
        writeHeartbeat.run(...heartbeatValues(heartbeat()));
        return;
      }
      db.run("BEGIN IMMEDIATE");
      try {
        writeHeartbeat.run(...heartbeatValues(heartbeat()));
        db.run("COMMIT");
      } catch (e) {
        if (db.inTransaction) db.run("ROLLBACK");
        throw e;
      }
    },
    rollback() {
      if (db.inTransaction) db.run("ROLLBACK");
      counting = allPresent();
    },
    clearHeartbeat() {
      if (db.inTransaction) db.run("ROLLBACK");
      db.run("DELETE FROM sync_heartbeat");
    },
    close() {
      if (db.inTransaction) db.run("ROLLBACK");
      for (const statement of prepared) statement.finalize();
      db.close();
    },
  };
}
