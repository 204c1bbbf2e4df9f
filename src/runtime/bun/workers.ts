// Bun's side of `serve --workers N`: start this program again as a worker (Bun.spawn with an
// IPC channel), and share one TCP port among the workers (Bun.serve's reusePort).
import { totalmem } from "node:os";
import type { WorkerProcess, WorkerProcesses, WorkerSizing } from "../types.ts";

const gib = 1024 ** 3;

/**
 * JavaScriptCore paces its collections by the machine's memory; BUN_JSC_forceRAMSize gives it
 * another figure. On a 24 GiB machine, each of two workers peaked at 227-257 MB on the mixed
 * workload with its data changing (bench/run.ts's conditions, one after the other); told any
 * figure from 512 MiB to 12 GiB, at 202-216 MB, serving as many requests a second. So a worker
 * is told its share of the machine's memory, at most 2 GiB plus sixteen times its answers'
 * budget (4 GiB at the default 128 MiB).
 *
 * A heap that small counts as small to it, and it lets a small heap grow to twice what the
 * last collection kept before collecting again: with the remembered answers live (50-53 MB on
 * the mixed workload), twice that. With answers to remember, a worker is told to let it grow
 * by half (BUN_JSC_smallHeapGrowthFactor): on the mixed workload (unchanged, then with its data
 * changing), each of two workers peaked at 179-185 MB against 204-212, at 6% fewer requests a
 * second (36,200 against 38,600, the mean of twelve rounds, the two alternated). Without,
 * the heap holds little between requests and the default is kept: every answer computed, the
 * half made two workers 10-35% slower (2,480-3,483 req/s against 3,824-3,860). A figure in the
 * environment already is left as it is.
 */
export function workerEnvironment(env: Record<string, string | undefined>, sizing: WorkerSizing, memory = totalmem()): Record<string, string | undefined> {
  const told: Record<string, string> = {};
  if (env.BUN_JSC_forceRAMSize === undefined) {
    told.BUN_JSC_forceRAMSize = String(Math.floor(Math.min(memory / Math.max(1, sizing.workers), 2 * gib + 16 * sizing.responseCacheBytes)));
  }
  if (env.BUN_JSC_smallHeapGrowthFactor === undefined && sizing.responseCacheBytes > 0) told.BUN_JSC_smallHeapGrowthFactor = heapGrowthWithAnswers;
  return { ...env, ...told };
}

/** How much a worker's heap may grow past what its last collection kept, when it remembers answers (see above). */
export const heapGrowthWithAnswers = "1.5";

/**
 * How this program was started: the compiled executable is its own runtime (its script lives
 * inside it, under /$bunfs/); from source, the runtime runs the entry script (`bun src/main.ts`).
 */
function ownCommand(): string[] {
  return Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, Bun.main];
}

function start(args: string[], env: Record<string, string | undefined>, onMessage: (message: unknown) => void, sizing: WorkerSizing): WorkerProcess {
  const proc = Bun.spawn([...ownCommand(), ...args], {
    env: workerEnvironment(env, sizing),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
    ipc: (message) => onMessage(message),
    serialization: "json",
  });
  return {
    pid: proc.pid,
    output: proc.stdout as unknown as AsyncIterable<Uint8Array>,
    exited: proc.exited.then(() => ({ code: proc.exitCode, signal: proc.signalCode === null ? null : String(proc.signalCode) })),
    kill: (signal) => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    send: (message) => {
      try {
        proc.send(message);
      } catch {
        // Gone: its exit is being handled.
      }
    },
  };
}

function reservePort(host: string, port: number): { port: number; release(): void } {
  const refuse = () => new Response(null, { status: 503 });
  if (port !== 0) {
    // Not shared: a server already on the port fails this bind even if it shares ports itself,
    // so that a second `serve` on a port in use is refused, as a single process is.
    Bun.serve({ hostname: host, port, fetch: refuse }).stop(true);
    return { port, release: () => {} };
  }
  // Shared, so that the workers can bind it too. Nothing connects to it meanwhile: the port is
  // announced only once the workers listen, and this one is closed before.
  const holder = Bun.serve({ hostname: host, port: 0, reusePort: true, fetch: refuse });
  let held = true;
  return {
    port: holder.port!,
    release: () => {
      if (held) void holder.stop(true);
      held = false;
    },
  };
}

export const bunWorkers: WorkerProcesses = { start, reservePort };
