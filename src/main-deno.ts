// The entry under Deno (`npm run start:deno -- …`): the same command line (src/cli.ts) with
// Deno's runtime (src/runtime/deno/). Run from the repository: see deno.json. `seed` writes
// through Bun's own SQLite and PostgreSQL clients, so it stays the executable's.
import { main } from "./cli.ts";

if (process.argv[2] === "seed") {
  console.error("actions-runs: seed runs under Bun only: npm run demo-db, or bun src/main.ts seed …");
  process.exit(2);
}
// serve runs as one process: --workers above 1 is refused, and the default is 1.
await main(process.argv.slice(2), { runtime: async () => (await import("./runtime/deno/index.ts")).denoRuntime });
