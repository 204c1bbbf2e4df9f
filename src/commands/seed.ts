// `actions-runs seed`: the deterministic generator, into a SQLite file or a forge PostgreSQL.
import { UsageError } from "../cli/args.ts";
import type { ParsedOptions } from "../cli/args.ts";
import type { SeedOptions } from "../seed/generate.ts";

export async function seed(opts: ParsedOptions): Promise<number> {
  const out = opts.out as string | undefined;
  const postgres = opts.postgres as string | undefined;
  if ((out === undefined) === (postgres === undefined)) throw new UsageError("seed needs exactly one of --out FILE or --postgres URL");
  const sizes: SeedOptions = { repos: opts.repos as number, runs: opts.runs as number, seed: opts.seed as number };
  const started = performance.now();
  const summary = out !== undefined
    ? await (await import("../seed/sqlite.ts")).seedSqlite(out, sizes)
    : await (await import("../seed/postgres.ts")).seedPostgres(postgres!, sizes);
  console.log(JSON.stringify({ event: "seeded", target: out ?? "postgres", ...sizes, seconds: +((performance.now() - started) / 1000).toFixed(2), summary }));
  return 0;
}
