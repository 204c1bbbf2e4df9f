// The seed generator into a SQLite file of the service's own schema (bun:sqlite edge).
// Built beside the target and renamed over it; loaded with journaling off and the indexes
// dropped, which is many times faster than inserting into a live schema, then indexed,
// analysed and switched to WAL for serving.
import { Database, type Statement } from "bun:sqlite";
import { runDayMs } from "../../db/schema.ts";
import { applyMigrations } from "../../db/migrations/apply.ts";
import { replaceSqliteFile } from "./sqlite-file.ts";
import { generate } from "./generate.ts";
import type { ForgeTable, Row, RowSink, SeedOptions, SeedSummary } from "./types.ts";

type SqlValue = string | number | null;

/** Arrays become JSON text and booleans 0/1, as the service's schema stores them. */
function toSql(value: Row[string]): SqlValue {
  if (value === null || typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return JSON.stringify(value);
}

class SqliteSink implements RowSink {
  private readonly inserts = new Map<ForgeTable, { columns: string[]; statement: Statement }>();

  constructor(private readonly db: Database) {}

  write(table: ForgeTable, rows: Row[]): void {
    const first = rows[0];
    if (first === undefined) return;
    let insert = this.inserts.get(table);
    if (insert === undefined) {
      const columns = Object.keys(first);
      const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
      insert = { columns, statement: this.db.prepare(sql) };
      this.inserts.set(table, insert);
    }
    const { columns, statement } = insert;
    const values: SqlValue[] = new Array(columns.length);
    this.db.exec("BEGIN");
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) values[i] = toSql(row[columns[i]!]!);
      statement.run(...values);
    }
    this.db.exec("COMMIT");
  }

  finalize(): void {
    for (const { statement } of this.inserts.values()) statement.finalize();
  }
}

export interface SqliteFileOptions {
  /** More sync_state entries (the demo database records its source hash there). */
  state?: Readonly<Record<string, string>>;
  /**
   * The file's journal mode when done: WAL (default) for a file the server opens and a sync
   * writes to; "delete" for a file that is embedded and deserialized, which WAL files cannot be.
   */
  journalMode?: "wal" | "delete";
}

/** Creates (or replaces) the SQLite file at `path` with the demo fixtures and a generated forge. */
export function seedSqlite(path: string, opts: SeedOptions, file: SqliteFileOptions = {}): Promise<SeedSummary> {
  return replaceSqliteFile(path, async (tmp) => {
    const db = new Database(tmp, { create: true, strict: true });
    try {
      db.exec("PRAGMA journal_mode = OFF");
      db.exec("PRAGMA synchronous = OFF");
      db.exec("PRAGMA cache_size = -65536");
      db.exec("PRAGMA temp_store = FILE");
      applyMigrations(db);
      const indexes = db.query<{ name: string; sql: string }, []>(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
      ).all();
      for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
      // The triggers that keep run_days too: it is counted once, after the load.
      const triggers = db.query<{ name: string; sql: string }, []>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all();
      for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);

      const sink = new SqliteSink(db);
      const summary = await generate(sink, opts);
      sink.finalize();

      for (const { sql } of indexes) db.exec(sql);
      db.exec(`INSERT INTO run_days (repo_id, day, runs) SELECT repo_id, created_at / ${runDayMs}, count(*) FROM workflow_runs GROUP BY 1, 2`);
      for (const { sql } of triggers) db.exec(sql);
      const state = { ...file.state, source: "seed", seed_options: JSON.stringify(opts) };
      const put = db.prepare("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)");
      for (const [key, value] of Object.entries(state)) put.run(key, value);
      put.finalize();
      db.exec("ANALYZE");
      db.exec(`PRAGMA journal_mode = ${file.journalMode === "delete" ? "DELETE" : "WAL"}`);
      return summary;
    } finally {
      db.close();
    }
  });
}
