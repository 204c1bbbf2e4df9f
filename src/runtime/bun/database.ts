// Opening the service's SQLite database with bun:sqlite, always read-only: the API never
// writes, and a stray write must fail rather than change the data it serves.
import { Database } from "bun:sqlite";
import { drizzle } from "drizzle-orm/bun-sqlite";
import * as schema from "../../../db/schema.ts";
import { readTransactionOf } from "../../store/index.ts";
import { DatabaseOpenError } from "../types.ts";
import type { OpenedDatabase } from "../types.ts";
import { daysSinceSeedClock, shiftStatements } from "../../seed/demo-clock.ts";
import { embeddedDemoDatabase } from "./embedded.ts";
import { watchDatabaseFile } from "./file-watch.ts";
import { watchWalIndex } from "./wal-index.ts";

/** Opened with bun:sqlite: the handle itself too, for tests and tools that read beside the store. */
export interface BunOpenedDatabase extends OpenedDatabase {
  sqlite: Database;
}

const requiredTables = Object.keys(schema.forgeTables);

/** How often the file is checked for truncation, corruption, unlinking or replacement. */
export const fileCheckMs = 200;

function checked(sqlite: Database, source: string, file: string | null): BunOpenedDatabase {
  let present: Set<string>;
  try {
    present = new Set(
      sqlite.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name),
    );
  } catch (e) {
    sqlite.close();
    throw new DatabaseOpenError(`${source} is not a SQLite database (${(e as Error).message})`);
  }
  const missing = requiredTables.filter((t) => !present.has(t));
  if (missing.length > 0) {
    sqlite.close();
    throw new DatabaseOpenError(`${source} is not an actions-runs database (missing tables: ${missing.join(", ")})`);
  }
  sqlite.run("PRAGMA query_only = ON");
  const signal = changeSignal(sqlite, file);
  const readTransaction = readTransactionOf((sql) => sqlite.prepare(sql));
  if (file === null) {
    return { sqlite, db: drizzle({ client: sqlite, schema }), source, dataVersion: signal.version, changeSignal: signal.how, readTransaction, close: () => sqlite.close() };
  }
  // The file itself, watched beside the change signal: on a timer, and whenever the signal moves.
  const watch = watchDatabaseFile(file);
  const timer = setInterval(() => watch.check(), fileCheckMs);
  timer.unref();
  let seen = signal.version();
  return {
    sqlite,
    db: drizzle({ client: sqlite, schema }),
    source,
    dataVersion: () => {
      const v = signal.version();
      if (v !== seen) {
        seen = v;
        watch.check();
      }
      return v;
    },
    changeSignal: signal.how,
    readTransaction,
    fault: () => watch.fault,
    close: () => {
      clearInterval(timer);
      sqlite.close();
      watch.close();
      signal.close();
    },
  };
}

/** Whenever another connection commits, a new number: see wal-index.ts; SQLite's own signal where that cannot be read. */
function changeSignal(sqlite: Database, file: string | null): { how: string; version: () => number; close(): void } {
  // In memory and read-only (the embedded demo): no other connection can ever change it.
  if (file === null) return { how: "none (read-only, in memory)", version: () => 1, close() {} };
  const pragma = sqlite.query<{ data_version: number }, []>("PRAGMA data_version");
  const viaPragma = { how: "PRAGMA data_version", version: () => pragma.get()!.data_version, close() {} };
  const mode = sqlite.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode;
  return (mode === "wal" && watchWalIndex(file)) || viaPragma;
}

/** A database file, opened read-only; the sync may be writing it from another connection (WAL). */
export function openDatabaseFile(path: string): BunOpenedDatabase {
  let sqlite: Database;
  try {
    sqlite = new Database(path, { readonly: true, strict: true });
    sqlite.run("PRAGMA busy_timeout = 5000");
  } catch (e) {
    throw new DatabaseOpenError(`cannot open database ${path}: ${(e as Error).message}`);
  }
  return checked(sqlite, path, path);
}

/**
 * The demo database inside the executable, deserialized into memory, moved to the day it is
 * served (see seed/demo-clock.ts), then read-only.
 */
export async function openEmbeddedDemo(now = Date.now()): Promise<BunOpenedDatabase> {
  const bytes = await Bun.file(embeddedDemoDatabase).bytes();
  const sqlite = Database.deserialize(bytes, { strict: true });
  sqlite.transaction(() => {
    for (const statement of shiftStatements(daysSinceSeedClock(now))) sqlite.run(statement);
  })();
  return checked(sqlite, "embedded demo database", null);
}
