#!/usr/bin/env bun
// The executable, and the entry under Bun: the command line (src/cli.ts) with Bun's runtime.
import { main } from "./cli.ts";
import { bunStdout } from "./runtime/bun/stdout.ts";

await main(process.argv.slice(2), {
  runtime: async () => (await import("./runtime/bun/index.ts")).bunRuntime,
  workers: async () => (await import("./runtime/bun/workers.ts")).bunWorkers,
  stdout: bunStdout,
});
