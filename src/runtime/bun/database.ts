// Opening the service's SQLite database with bun:sqlite, always read-only: the API never
// writes, and a stray write must fail rather than change the data it serves.
import { Database } from "bun:sqlite";
import { openSync, readSync } from "node:fs";
import { drizzle } from "drizzle-orm/bun-sqlite";
import * as schema from "../../../db/schema.ts";
import type { ServiceDatabase } from "../../store/index.ts";
import { embeddedDemoDatabase } from "./embedded.ts";

export interface OpenedDatabase {
  sqlite: Database;
  db: ServiceDatabase;
  /** Where the data comes from, for the start-up line. */
  source: string;
  /** Changes whenever another connection (the sync) has committed to the file. */
  dataVersion: () => number;
}

export class DatabaseOpenError extends Error {}

const requiredTables = Object.keys(schema.forgeTables);

function checked(sqlite: Database, source: string, file: string | null): OpenedDatabase {
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
  return { sqlite, db: drizzle({ client: sqlite, schema }), source, dataVersion: changeSignal(sqlite, file) };
}

/**
 * A number that changes whenever another connection has committed. PRAGMA data_version says
 * so, but costs a read transaction (shared-memory locks, a few system calls: about 3 µs, as
 * much as the rest of a remembered answer). In WAL mode the same fact is in the wal-index
 * header, the first 96 bytes of the -shm file (two copies of it), which every commit
 * rewrites last, as the point where it becomes visible to readers: SQLite's readers decide
 * whether the database changed by comparing exactly this header. Reading it is one pread.
 * The -shm file is opened once and never closed while the database is open: closing any
 * descriptor of a file drops every POSIX lock this process holds on it, SQLite's included.
 */
function changeSignal(sqlite: Database, file: string | null): () => number {
  const pragma = sqlite.query<{ data_version: number }, []>("PRAGMA data_version");
  const viaPragma = () => pragma.get()!.data_version;
  if (file === null) return viaPragma;
  const mode = sqlite.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode;
  if (mode !== "wal") return viaPragma;
  let fd: number;
  try {
    fd = openSync(`${file}-shm`, "r");
  } catch {
    return viaPragma;
  }
  const header = new Int32Array(24);
  const bytes = new Uint8Array(header.buffer);
  const seen = new Int32Array(24);
  if (readSync(fd, bytes, 0, 96, 0) !== 96) return viaPragma;
  seen.set(header);
  let version = 1;
  return () => {
    readSync(fd, bytes, 0, 96, 0);
    for (let i = 0; i < 24; i++) {
      if (header[i] !== seen[i]) {
        seen.set(header);
        version++;
        break;
      }
    }
    return version;
  };
}

/** A database file, opened read-only; the sync may be writing it from another connection (WAL). */
export function openDatabaseFile(path: string): OpenedDatabase {
  let sqlite: Database;
  try {
    sqlite = new Database(path, { readonly: true, strict: true });
    sqlite.run("PRAGMA busy_timeout = 5000");
  } catch (e) {
    throw new DatabaseOpenError(`cannot open database ${path}: ${(e as Error).message}`);
  }
  return checked(sqlite, path, path);
}

/** The demo database inside the executable, deserialized into memory read-only. */
export async function openEmbeddedDemo(): Promise<OpenedDatabase> {
  const bytes = await Bun.file(embeddedDemoDatabase).bytes();
  // In memory and read-only: no other connection can ever change it.
  return { ...checked(Database.deserialize(bytes, { readonly: true, strict: true }), "embedded demo database", null), dataVersion: () => 1 };
}
