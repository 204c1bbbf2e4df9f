// Bun's side of `serve --workers N`: start this program again as a worker (Bun.spawn with an
// IPC channel), and share one TCP port among the workers (Bun.serve's reusePort).
import type { WorkerProcess, WorkerProcesses } from "../types.ts";

/**
 * How this program was started: the compiled executable is its own runtime (its script lives
 * inside it, under /$bunfs/); from source, the runtime runs the entry script (`bun src/main.ts`).
 */
function ownCommand(): string[] {
  return Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, Bun.main];
}

function start(args: string[], env: Record<string, string | undefined>, onMessage: (message: unknown) => void): WorkerProcess {
  const proc = Bun.spawn([...ownCommand(), ...args], {
    env,
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
