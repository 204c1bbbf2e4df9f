// `actions-runs seed`: the deterministic generator, into a SQLite file or a forge PostgreSQL.
import type { SeedConfig } from "../config/index.ts";

export async function seed({ target, sizes }: SeedConfig): Promise<number> {
  const started = performance.now();
  const summary = "out" in target
    ? await (await import("../seed/sqlite.ts")).seedSqlite(target.out, sizes)
    : await (await import("../seed/postgres.ts")).seedPostgres(target.postgres, sizes);
  const seconds = +((performance.now() - started) / 1000).toFixed(2);
  console.log(JSON.stringify({ event: "seeded", target: "out" in target ? target.out : "postgres", ...sizes, seconds, summary }));
  return 0;
}
