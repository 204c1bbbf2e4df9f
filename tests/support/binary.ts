// The real compiled executable, built once per test process, and a way to run it (or the
// Deno entry) as a server process on a free port (or a unix socket) and wait until it answers.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { startServeProcess } from "./serve-process.ts";
import { ownProcess, removeTempDir, tempDir } from "./temp.ts";

const root = join(import.meta.dir, "..", "..");
let built: Promise<string> | null = null;

/** Build the executable with the project's build script (the same flags as `npm run build`); removed when the run ends. */
export function compiledExecutable(): Promise<string> {
  built ??= (async () => {
    const out = join(tempDir("bin"), "actions-runs");
    const proc = Bun.spawn([process.execPath, "scripts/build.ts", out], { cwd: root, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0 || !existsSync(out)) throw new Error(`build failed (${code}):\n${stdout}\n${stderr}`);
    return out;
  })();
  return built;
}

export interface RunningServer {
  proc: Subprocess;
  /** http(s)://127.0.0.1:PORT, or undefined when only a unix socket was asked for. */
  url?: string;
  output(): string;
  /** Resolves once its output contains `text` (what it prints after its started line comes later). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Signal it, wait for its exit code, and remove its working folder. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Start `serve` with these extra flags; resolves once it has logged its `started` line. */
export async function startServer(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  return startServing([await compiledExecutable()], args, env);
}

/** The Deno entry (src/main-deno.ts), with the permissions of `npm run start:deno`. */
export const denoEntry = [
  join(root, "node_modules", ".bin", "deno"), "run",
  "--allow-read", "--allow-write", "--allow-net", "--allow-env", "--allow-sys", "--allow-ffi",
  "--config", join(root, "deno.json"), join(root, "src", "main-deno.ts"),
];

/** Start `serve` under Deno with these extra flags, as startServer does with the executable. */
export function startDenoServer(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  return startServing(denoEntry, args, env);
}

/**
 * The tests of one server process (its pid, its log lines, its limits) run it as one:
 * `--workers 1` unless a test asks for workers itself. ACTIONS_RUNS_TEST_WORKERS=N runs them
 * all with N workers instead (those that count one process's lines or limits then fail).
 */
const workersByDefault = process.env.ACTIONS_RUNS_TEST_WORKERS ?? "1";

async function startServing(command: string[], args: string[], env: Record<string, string>): Promise<RunningServer> {
  const withPort = args.includes("--port") || args.includes("--unix-socket") ? [...args] : [...args, "--port", "0"];
  const chosen = args.includes("--unix-socket") || args.some((a) => a.startsWith("--workers")) || env.ACTIONS_RUNS_WORKERS !== undefined;
  if (!chosen) withPort.push("--workers", workersByDefault);
  const cwd = tempDir("cwd");
  let out = "";
  const server = await startServeProcess([...command, "serve", ...withPort], {
    cwd, env: { PATH: process.env.PATH ?? "", ...env }, stdout: { onLine: (line) => (out += line + "\n") },
  }).catch((e) => {
    removeTempDir(cwd);
    throw e;
  });
  const proc = ownProcess(server.proc);
  return {
    proc, url: server.url,
    output: () => out + server.stderr(),
    waitForOutput: async (text, timeoutMs = 10_000) => {
      const deadline = performance.now() + timeoutMs;
      while (!(out + server.stderr()).includes(text)) {
        if (performance.now() > deadline || proc.exitCode !== null) throw new Error(`the server's output never showed ${text}:\n${out}${server.stderr()}`);
        await Bun.sleep(5);
      }
    },
    stop: async (signal = "SIGTERM") => {
      proc.kill(signal);
      const code = await proc.exited;
      await server.drained;
      removeTempDir(cwd);
      return code;
    },
  };
}
