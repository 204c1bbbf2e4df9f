// The service's SQLite file as the sync writes it (bun:sqlite). WAL, so the API's read-only
// connections keep answering from the last commit while a batch is written; a busy timeout,
// so a checkpoint or a second writer is waited for rather than failed.
import { Database } from "bun:sqlite";
import type { Statement } from "bun:sqlite";
import { applyMigrations } from "../../../db/migrations/apply.ts";
import { repoChangeTriggers } from "../../../db/migrations/index.ts";
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

  // A full load writes without the per-row change counts (migration 0004): each of its commits
  // counts every repository and every fact as changed instead, and the triggers come back in
  // the commit that starts following. A load resumed after a stop finds them already gone.
  const countEverything = db.prepare("UPDATE repo_changes SET writes = writes + 1 WHERE repo_id IN (0, -1)");
  const presentTriggers = () => new Set((db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((r) => r.name));
  let counting = repoChangeTriggers.every((t) => presentTriggers().has(t.name));
  const stopCounting = () => {
    for (const t of repoChangeTriggers) db.run(`DROP TRIGGER IF EXISTS ${t.name}`);
    counting = false;
  };
  const startCounting = () => {
    const present = presentTriggers();
    for (const t of repoChangeTriggers) if (!present.has(t.name)) db.run(t.sql);
    counting = true;
  };

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
      stopCounting();
      for (const t of copiedTables) db.run(`DELETE FROM ${t.name}`);
    },
    commit(next: Partial<SyncProgress>) {
      for (const [key, value] of progressEntries(next)) writeState.run(key, value);
      if (!counting) countEverything.run();
      if (!counting && (next.phase ?? progress.phase) === "following") startCounting();
      db.run("COMMIT");
      progress = { ...progress, ...next };
    },
    rollback() {
      if (db.inTransaction) db.run("ROLLBACK");
      counting = repoChangeTriggers.every((t) => presentTriggers().has(t.name));
    },
    close() {
      if (db.inTransaction) db.run("ROLLBACK");
      db.close();
    },
  };
}
