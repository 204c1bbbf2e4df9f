// Writes db/demo.sqlite, the demo database embedded into the executable: the demo fixtures plus
// a small generated forge, in rollback-journal mode so that it can be deserialized. Skipped when
// the file was built from the same seed sources, migrations and options (their hash is kept in
// its sync_state as demo_hash).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Database } from "bun:sqlite";
import { defaults } from "../src/defaults.ts";
import { seedSqlite } from "../src/seed/sqlite.ts";
import type { SeedOptions } from "../src/seed/types.ts";

const demoOptions: SeedOptions = { ...defaults.seed };

const root = join(import.meta.dir, "..");
const demoPath = join(root, "db", "demo.sqlite");
/** Everything the demo database's content depends on. */
const inputs = ["src/seed", "src/defaults.ts", "db/migrations", "scripts/demo-db.ts"];

function files(path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!full.endsWith(".ts") && !full.endsWith(".sql")) {
    return readdirSync(full, { withFileTypes: true }).flatMap((e) => files(relative(root, join(full, e.name))));
  }
  return [path];
}

function demoHash(): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(demoOptions));
  for (const file of inputs.flatMap(files).sort()) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(join(root, file)));
  }
  return hash.digest("hex");
}

function storedHash(): string | null {
  if (!existsSync(demoPath)) return null;
  try {
    const db = new Database(demoPath, { readonly: true });
    try {
      return db.query<{ value: string }, []>("SELECT value FROM sync_state WHERE key = 'demo_hash'").get()?.value ?? null;
    } finally {
      db.close();
    }
  } catch {
    return null; // Unreadable or from an older schema: rebuild it.
  }
}

if (import.meta.main) {
  const hash = demoHash();
  if (storedHash() === hash) {
    console.log("db/demo.sqlite is up to date");
  } else {
    const started = performance.now();
    const summary = await seedSqlite(demoPath, demoOptions, { state: { demo_hash: hash }, journalMode: "delete" });
    const ms = Math.round(performance.now() - started);
    console.log(`db/demo.sqlite written in ${ms} ms: ${summary.rows.workflow_runs} runs, ${summary.rows.workflow_jobs} jobs, ${summary.rows.workflow_steps} steps`);
  }
}
