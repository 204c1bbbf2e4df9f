// The command line of every entry: `actions-runs serve | seed | sync`, under whichever runtime
// the entry brings (src/main.ts: Bun's; src/main-deno.ts: Deno's). Reads flags and environment
// once (src/config), and turns every mistake in them into one line on stderr and a non-zero exit.
import { commands, seedCommand, serveCommand, syncCommand } from "./config/commands.ts";
import { usableCores } from "./config/cores.ts";
import { seedConfig, serveConfig, syncConfig } from "./config/index.ts";
import { UsageError, usage } from "./config/options.ts";
import type { CommandSpec } from "./config/options.ts";
import type { Runtime, Stdout, WorkerProcesses } from "./runtime/types.ts";
import { version } from "./version.ts";

const program = "actions-runs";

function overview(): string {
  return [
    `${program} ${version}: the forge's Actions workflow runs, jobs and steps over HTTP (the forge's /api/v1 and GitHub's Actions API).`,
    "",
    `Usage: ${program} <command> [options]`,
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    "",
    `Run '${program} <command> --help' for a command's options; '${program} --version' for the version.`,
  ].join("\n");
}

/** What an entry brings: its runtime, and (where it can start them) the workers of `serve --workers`. */
export interface Entry {
  runtime: () => Promise<Runtime>;
  workers?: () => Promise<WorkerProcesses>;
  /** Its own way to stdout; Node's process.stdout where it brings none. */
  stdout?: () => Stdout;
}

const processStdout = (): Stdout => ({ isTTY: process.stdout.isTTY === true, write: (chunk) => void process.stdout.write(chunk) });

/**
 * How many processes `serve` runs: --workers as given, else the cores it may use (config/cores.ts); one with a
 * unix socket (a socket is one process's), under a runtime that cannot start workers, and in a worker.
 */
function workerCount(config: ReturnType<typeof serveConfig>, canStartWorkers: boolean): number {
  if (config.worker !== undefined) return 1;
  if (config.workers !== undefined && config.workers > 1 && !canStartWorkers) {
    throw new UsageError("--workers above 1 needs the executable (or bun src/main.ts): under this runtime serve runs as one process");
  }
  return config.workers ?? (config.unixSocket !== undefined || !canStartWorkers ? 1 : usableCores());
}

/** The runtime is loaded only by the commands that need one, after their flags have been read. */
async function run(argv: string[], { runtime, workers, stdout = processStdout }: Entry): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    console.log(overview());
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-v") {
    console.log(version);
    return 0;
  }
  const spec: CommandSpec | undefined = commands.find((c) => c.name === first);
  if (!spec) throw new UsageError(`unknown command '${first}' (see '${program} --help')`);
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(usage(program, spec));
    return 0;
  }
  const env = process.env;
  switch (spec) {
    case serveCommand: {
      const config = serveConfig(rest, env);
      const count = workerCount(config, workers !== undefined);
      // The supervisor loads no runtime but what starts the workers: each of them loads the rest.
      if (count > 1) return (await import("./commands/supervise.ts")).supervise(config, rest, count, await workers!(), stdout());
      return (await import("./commands/serve.ts")).serve(config, await runtime(), stdout());
    }
    case seedCommand: return (await import("./commands/seed.ts")).seed(seedConfig(rest, env));
    case syncCommand: {
      const config = syncConfig(rest, env);
      return (await import("./commands/sync.ts")).sync(config, await runtime(), stdout());
    }
  }
  return 2;
}

/** Runs the command line and sets the process's exit code (a server exits when it is stopped). */
export async function main(argv: string[], entry: Entry): Promise<void> {
  try {
    const code = await run(argv, entry);
    if (code !== 0 || argv[0] !== "serve") process.exitCode = code;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`${program}: ${message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}
