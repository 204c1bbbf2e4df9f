// Brings a SQLite database up to the latest migration, tracked in PRAGMA user_version.
// Takes any driver with exec and query(...).get() (bun:sqlite's Database has both).
import { migrations } from "./index.ts";

export interface MigratableDatabase {
  exec(sql: string): void;
  query(sql: string): { get(): unknown };
}

/** Applies every migration newer than the file's user_version, each in its own transaction; returns the new version. */
export function applyMigrations(db: MigratableDatabase): number {
  const row = db.query("PRAGMA user_version").get() as { user_version?: number } | null;
  let version = row?.user_version ?? 0;
  for (const m of migrations) {
    if (m.version <= version) continue;
    db.exec("BEGIN");
    try {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw e;
    }
    version = m.version;
  }
  return version;
}
