// One seeded database per test process, built with the same generator as the demo.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { defaults } from "../../src/defaults.ts";
import { seedSqlite } from "../../src/seed/sqlite.ts";
import { tempDir } from "./temp.ts";

/** The same generated forge as the embedded demo's. */
export const testSeed = defaults.seed;

let seeded: Promise<string> | null = null;

/** Path of a freshly seeded SQLite file, shared by every test file of this process. Do not write to it. */
export function seededDatabase(): Promise<string> {
  seeded ??= (async () => {
    const path = join(tempDir("test"), "runs.sqlite");
    await seedSqlite(path, { ...testSeed });
    return path;
  })();
  return seeded;
}

/** A writable copy of the seeded database, for tests that change data under a running server. */
export async function seededCopy(): Promise<string> {
  const src = await seededDatabase();
  const path = join(tempDir("copy"), "runs.sqlite");
  const db = new Database(src, { readonly: true });
  db.run(`VACUUM INTO '${path.replaceAll("'", "''")}'`);
  db.close();
  const copy = new Database(path);
  copy.run("PRAGMA journal_mode = WAL");
  copy.close();
  return path;
}

/** Raw SQL over the seeded file: the independent oracle the API's answers are checked against. */
export async function oracle(): Promise<Database> {
  return new Database(await seededDatabase(), { readonly: true });
}

/** How many POSIX locks this process holds on a file (Linux: /proc/locks). */
export function locksHeldOn(file: string): number {
  const inode = statSync(file).ino;
  return readFileSync("/proc/locks", "utf8").split("\n").filter((line) => line.includes(`:${inode} `) && line.includes(` ${process.pid} `)).length;
}
