// The real compiled executable, built once per test process, and a way to run it (or the
// Deno entry) as a server process on a free port (or a unix socket) and wait until it answers.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const root = join(import.meta.dir, "..", "..");
let built: Promise<string> | null = null;

/** Build dist/actions-runs-test with the project's build script (the same flags as `npm run build`). */
export function compiledExecutable(): Promise<string> {
  built ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), "actions-runs-bin-")), "actions-runs");
    const proc = Bun.spawn([process.execPath, "scripts/build.ts", out], { cwd: root, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0 || !existsSync(out)) throw new Error(`build failed (${code}):\n${stdout}\n${stderr}`);
    return out;
  })();
  return built;
}

export interface RunningServer {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** http(s)://127.0.0.1:PORT, or undefined when only a unix socket was asked for. */
  url?: string;
  output(): string;
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

async function startServing(command: string[], args: string[], env: Record<string, string>): Promise<RunningServer> {
  const withPort = args.includes("--port") || args.includes("--unix-socket") ? args : [...args, "--port", "0"];
  const cwd = mkdtempSync(join(tmpdir(), "actions-runs-cwd-"));
  const proc = Bun.spawn([...command, "serve", ...withPort], { cwd, env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });
  let out = "";
  let err = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>, sink: (s: string) => void) => {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      sink(decoder.decode(value, { stream: true }));
    }
  };
  void pump(proc.stdout, (s) => (out += s));
  void pump(proc.stderr, (s) => (err += s));
  const deadline = Date.now() + 15_000;
  while (!/"event":"started"/.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start (exit ${proc.exitCode}):\n${out}\n${err}`);
    await Bun.sleep(20);
  }
  const started = JSON.parse(out.split("\n").find((l) => l.includes('"event":"started"'))!);
  const url = (started.listening as string[]).find((u) => u.startsWith("http"))?.replace(/\/$/, "");
  return {
    proc, url,
    output: () => out + err,
    stop: async (signal = "SIGTERM") => {
      proc.kill(signal);
      return proc.exited;
    },
  };
}
