// The service's SQLite file as the sync writes it (bun:sqlite). WAL, so the API's read-only
// connections keep answering from the last commit while a batch is written; a busy timeout,
// so a checkpoint or a second writer is waited for rather than failed.
import { Database } from "bun:sqlite";
import type { Statement } from "bun:sqlite";
import { applyMigrations } from "../../../db/migrations/apply.ts";
import { progressEntries, progressFromEntries, syncStateKeys } from "../copy.ts";
import type { CopyTarget, SyncProgress } from "../copy.ts";
import type { SqliteRow } from "../rows.ts";
import { copiedTables } from "../tables.ts";
import type { CopiedTable, KeyValues } from "../tables.ts";

interface TableStatements { upsert: Statement; remove: Statement }

export function openSqliteCopy(path: string): CopyTarget {
  const db = new Database(path, { create: true, strict: true });
  db.run("PRAGMA busy_timeout = 10000");
  db.run("PRAGMA journal_mode = WAL");
  // WAL with NORMAL: a commit is atomic and survives a killed process; only an OS crash can lose the last ones.
  db.run("PRAGMA synchronous = NORMAL");
  db.run("PRAGMA cache_size = -65536");
  applyMigrations(db);

  const statements = new Map<CopiedTable, TableStatements>(copiedTables.map((t) => {
    const columns = t.columns.join(", ");
    const placeholders = t.columns.map(() => "?").join(", ");
    const updates = t.columns.filter((c) => !t.key.includes(c)).map((c) => `${c} = excluded.${c}`).join(", ");
    const keyMatch = t.key.map((k) => `${k} = ?`).join(" AND ");
    return [t, {
      upsert: db.prepare(`INSERT INTO ${t.name} (${columns}) VALUES (${placeholders}) ON CONFLICT (${t.key.join(", ")}) DO UPDATE SET ${updates}`),
      remove: db.prepare(`DELETE FROM ${t.name} WHERE ${keyMatch}`),
    }];
  }));
  const writeState = db.prepare("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  const readState = db.prepare(`SELECT key, value FROM sync_state WHERE key IN (${syncStateKeys.map(() => "?").join(", ")})`);

  let progress: SyncProgress = progressFromEntries(
    new Map((readState.all(...syncStateKeys) as { key: string; value: string }[]).map((r) => [r.key, r.value])),
  );

  return {
    progress: () => progress,
    begin() {
      db.run("BEGIN IMMEDIATE");
    },
    upsert(table: CopiedTable, rows: readonly SqliteRow[]) {
      const upsert = statements.get(table)!.upsert;
      for (const row of rows) upsert.run(...row);
    },
    remove(table: CopiedTable, keys: readonly KeyValues[]) {
      const remove = statements.get(table)!.remove;
      for (const key of keys) remove.run(...key);
    },
    clear() {
      for (const t of copiedTables) db.run(`DELETE FROM ${t.name}`);
    },
    commit(next: Partial<SyncProgress>) {
      for (const [key, value] of progressEntries(next)) writeState.run(key, value);
      db.run("COMMIT");
      progress = { ...progress, ...next };
    },
    rollback() {
      if (db.inTransaction) db.run("ROLLBACK");
    },
    close() {
      if (db.inTransaction) db.run("ROLLBACK");
      // Statements finalized first: with any left open, SQLite defers the close (a "zombie"
      // connection), and the WAL is neither checkpointed nor removed, so the file alone is not the copy.
      for (const s of statements.values()) {
        s.upsert.finalize();
        s.remove.finalize();
      }
      writeState.finalize();
      readState.finalize();
      db.close();
    },
  };
}
