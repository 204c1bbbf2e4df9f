// Opening the service's SQLite database with node:sqlite under Deno, always read-only, behind
// drizzle's bun-sqlite session over the adapter in src/sync/deno/sqlite.ts. The same checks and the same
// messages as Bun's edge (src/runtime/bun/database.ts).
import { readFileSync } from "node:fs";
import { createTableRelationsHelpers, extractTablesRelationalConfig } from "drizzle-orm";
import { SQLiteBunSession } from "drizzle-orm/bun-sqlite/session";
import { BaseSQLiteDatabase, SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "../../../db/schema.ts";
import { readTransactionOf } from "../../store/index.ts";
import type { ServiceDatabase } from "../../store/index.ts";
import { DatabaseOpenError } from "../types.ts";
import type { OpenedDatabase } from "../types.ts";
import { repositoryFile } from "./files.ts";
import { Database } from "../../sync/deno/sqlite.ts";
import { watchWalIndex } from "./wal-index.ts";

/** Opened with node:sqlite: the handle itself too, for tests and tools that read beside the store. */
export interface DenoOpenedDatabase extends OpenedDatabase {
  sqlite: Database;
}

const requiredTables = Object.keys(schema.forgeTables);

/** drizzle over the adapter, as drizzle-orm/bun-sqlite's drizzle({ client, schema }) builds it. */
function drizzleOver(sqlite: Database): ServiceDatabase {
  const dialect = new SQLiteSyncDialect();
  const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
  const relational = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  // The session only calls the methods the adapter has (prepare, exec, transaction).
  const session = new SQLiteBunSession(sqlite as never, dialect, relational, {});
  return new BaseSQLiteDatabase("sync", dialect, session as never, relational as never) as ServiceDatabase;
}

function checked(sqlite: Database, source: string, file: string | null): DenoOpenedDatabase {
  let present: Set<string>;
  try {
    present = new Set(sqlite.query("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name as string));
  } catch (e) {
    sqlite.close();
    throw new DatabaseOpenError(`${source} is not a SQLite database (${(e as Error).message})`);
  }
  const missing = requiredTables.filter((t) => !present.has(t));
  if (missing.length > 0) {
    sqlite.close();
    throw new DatabaseOpenError(`${source} is not an actions-runs database (missing tables: ${missing.join(", ")})`);
  }
  sqlite.exec("PRAGMA query_only = ON");
  const signal = changeSignal(sqlite, file);
  return {
    sqlite,
    db: drizzleOver(sqlite),
    source,
    dataVersion: signal.version,
    changeSignal: signal.how,
    readTransaction: readTransactionOf((sql) => sqlite.raw.prepare(sql)),
    close: () => {
      sqlite.close();
      signal.close();
    },
  };
}

/** Whenever another connection commits, a new number: the wal-index header (wal-index.ts), else SQLite's own signal. */
function changeSignal(sqlite: Database, file: string | null): { how: string; version: () => number; close(): void } {
  if (file === null) return { how: "none (read-only, in memory)", version: () => 1, close() {} };
  const pragma = sqlite.raw.prepare("PRAGMA data_version");
  pragma.setReturnArrays(true);
  const viaPragma = { how: "PRAGMA data_version", version: () => (pragma.get() as unknown as [number])[0], close() {} };
  const mode = sqlite.query("PRAGMA journal_mode").get()?.journal_mode;
  return (mode === "wal" && watchWalIndex(file)) || viaPragma;
}

/** A database file, opened read-only; the sync may be writing it from another connection (WAL). */
export function openDatabaseFile(path: string): DenoOpenedDatabase {
  let sqlite: Database;
  try {
    sqlite = new Database(path, { readonly: true });
    sqlite.exec("PRAGMA busy_timeout = 5000");
  } catch (e) {
    throw new DatabaseOpenError(`cannot open database ${path}: ${(e as Error).message}`);
  }
  return checked(sqlite, path, path);
}

/** The demo database of the repository (db/demo.sqlite), deserialized into memory read-only. */
export async function openEmbeddedDemo(): Promise<DenoOpenedDatabase> {
  let bytes: Uint8Array;
  const path = repositoryFile("db/demo.sqlite");
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DatabaseOpenError(`cannot read the demo database ${path} (run 'npm run demo-db'): ${(e as Error).message}`);
  }
  return checked(Database.deserialize(bytes, { readonly: true }), "embedded demo database", null);
}
