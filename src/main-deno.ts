// The entry under Deno (`npm run start:deno -- serve …`): the same command line (src/cli.ts)
// with Deno's runtime (src/runtime/deno/). Run from the repository: see deno.json.
import { main } from "./cli.ts";

await main(process.argv.slice(2), async () => (await import("./runtime/deno/index.ts")).denoRuntime);
