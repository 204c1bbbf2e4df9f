// Where the forge's own schema.sql is, for the tools that create a forge-schema PostgreSQL
// database (seed --postgres, the tests). The forge owns that file; it sits beside this
// repository (../shared/forge/schema.sql from the repository root), and FORGE_SCHEMA_SQL
// points elsewhere when it does not.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const besideRepository = join("..", "shared", "forge", "schema.sql");

/** The first existing candidate, or null; the candidates are listed for the error message. */
export function findForgeSchema(env: Record<string, string | undefined> = process.env): { path: string | null; tried: string[] } {
  const tried = [
    env.FORGE_SCHEMA_SQL,
    // The repository root, when running from source (src/sync is two levels down).
    resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", besideRepository),
    // The working directory, for the compiled executable run from the repository root.
    resolve(besideRepository),
  ].filter((p): p is string => typeof p === "string" && p !== "");
  return { path: tried.find((p) => existsSync(p)) ?? null, tried };
}
