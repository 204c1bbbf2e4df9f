// `actions-runs serve --workers N`: this process serves nothing itself. It starts N workers —
// this same program again, `serve` with the same flags, each told its number — that share one
// TCP port (SO_REUSEPORT: the kernel spreads the connections over them), passes their log lines
// on whole, restarts one that dies, and on SIGTERM/SIGINT stops them all gracefully.
//
// - Worker 0 alone runs --sync-from; the others serve the same file and follow its commits as
//   any `serve --db FILE` does. Worker 0 starts first (it creates the file under a sync; a
//   file that cannot be served is then reported once, by it), the others once it listens.
// - Port 0: one free port is chosen here and held (shared) until the workers listen on it.
// - The `started` line is this process's, once every worker listens; each worker's own is
//   `worker_started`. Every line names its worker (`worker`: its number, or "supervisor").
// - A worker that dies is logged (its exit code or signal) and started again after a delay that
//   doubles while it keeps dying young, so that a crash loop does not spin.
// - A worker whose supervisor is gone (even by kill -9) stops by itself (serve.ts).
// Loads nothing of the app: the workers do.
import type { ServeConfig } from "../config/index.ts";
import { workerVariable } from "../config/index.ts";
import { defaults } from "../defaults.ts";
import { resolvedFormat, stdoutLogger } from "../observability/logger.ts";
import type { Stdout, WorkerProcess, WorkerProcesses } from "../runtime/types.ts";
import { printDemoTokens } from "./demo-tokens.ts";
import { isMessage, metricsWaitMs } from "./worker-messages.ts";
import type { MetricsCollect, MetricsReply, WorkerListening } from "./worker-messages.ts";

interface Slot {
  number: number;
  proc: WorkerProcess | null;
  /** Its latest process's pid, and how that one ended. */
  pid: number | null;
  exit: { code: number | null; signal: string | null } | null;
  startedAt: number;
  listening: boolean;
  started: Record<string, unknown> | null;
  /** Deaths in a row, each after a short life: the next restart waits 2^deaths times longer. */
  deaths: number;
  restart: ReturnType<typeof setTimeout> | null;
}

/** The arguments without --sync-from (and its value): only worker 0 syncs. */
export function withoutSyncFrom(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("--sync-from=")) continue;
    if (arg === "--sync-from") {
      // A value never starts with "--" (the parser would have refused it).
      if (args[i + 1] !== undefined && !args[i + 1]!.startsWith("--")) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

export async function supervise(
  config: ServeConfig, args: readonly string[], workers: number, processes: WorkerProcesses, stdout: Stdout,
): Promise<number> {
  // Workers write to a pipe: they are told the format this process would choose for its own stdout.
  const format = resolvedFormat(config.log.format, stdout);
  const logger = stdoutLogger(config.log.level, format, stdout, "supervisor");
  const log = logger.log;
  const { firstDelayMs, longestDelayMs, healthyAfterMs } = defaults.workerRestart;

  // Throws as a single process would on a port in use ("Is port N in use?").
  const reserved = processes.reservePort(config.host, config.port!);
  const argsOf = (n: number) => [
    "serve", ...(n === 0 ? args : withoutSyncFrom(args)),
    "--port", String(reserved.port), "--workers", String(workers), "--log-format", format,
  ];
  const envOf = (n: number) => {
    const env: Record<string, string | undefined> = { ...process.env, [workerVariable]: String(n) };
    if (n !== 0) delete env.ACTIONS_RUNS_SYNC_FROM;
    return env;
  };

  const slots: Slot[] = Array.from({ length: workers }, (_, number) => ({
    number, proc: null, pid: null, exit: null, startedAt: 0, listening: false, started: null, deaths: 0, restart: null,
  }));
  let phase: "starting" | "serving" | "stopping" = "starting";
  /** The exit code when the service could not start (a worker failed before all listened). */
  let failed: number | null = null;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));

  const write = (bytes: Uint8Array) => stdout.write(bytes);
  /** A worker's stdout, passed on in whole lines, so that two workers' lines never mix. */
  const forward = async (output: AsyncIterable<Uint8Array>) => {
    let partial: Uint8Array | null = null;
    for await (const chunk of output) {
      const end = chunk.lastIndexOf(10);
      if (end === -1) {
        partial = partial ? concat(partial, chunk) : chunk.slice();
        continue;
      }
      const whole = chunk.subarray(0, end + 1);
      write(partial ? concat(partial, whole) : whole);
      partial = end + 1 < chunk.length ? chunk.slice(end + 1) : null;
    }
    if (partial) write(concat(partial, new Uint8Array([10])));
  };

  const launch = (slot: Slot) => {
    slot.restart = null;
    slot.listening = false;
    slot.startedAt = Date.now();
    const proc = processes.start(argsOf(slot.number), envOf(slot.number), (message) => {
      if (slot.proc !== proc) return;
      if (isMessage(message, "listening")) onListening(slot, message);
      else if (isMessage(message, "metrics-request")) collectMetrics(slot, message.id);
      else if (isMessage(message, "metrics-text")) collections.get(message.id)?.(slot.number, message.text);
    }, { responseCacheBytes: config.responseCacheBytes, workers });
    slot.proc = proc;
    slot.pid = proc.pid;
    const forwarded = forward(proc.output).catch(() => {});
    void proc.exited.then(async (status) => {
      await forwarded;
      if (slot.proc === proc) onExit(slot, status);
    });
  };

  // /metrics asked of one worker: every other listening worker's text, handed back to it
  // once all have answered or the wait is over (one that has not is left out).
  let collected = 0;
  const collections = new Map<string, (worker: number, text: string) => void>();
  const collectMetrics = (asking: Slot, requestId: number) => {
    const others = slots.filter((s) => s !== asking && s.proc !== null && s.listening);
    const id = String(++collected);
    const texts: MetricsReply["texts"] = [];
    let replied = false;
    const reply = () => {
      if (replied) return;
      replied = true;
      clearTimeout(timer);
      collections.delete(id);
      texts.sort((a, b) => a.worker - b.worker);
      asking.proc?.send({ type: "metrics-reply", id: requestId, texts } satisfies MetricsReply);
    };
    const timer = setTimeout(reply, metricsWaitMs);
    collections.set(id, (worker, text) => {
      texts.push({ worker, text });
      if (texts.length === others.length) reply();
    });
    for (const other of others) other.proc!.send({ type: "metrics-collect", id } satisfies MetricsCollect);
    if (others.length === 0) reply();
  };

  const onListening = (slot: Slot, message: WorkerListening) => {
    slot.listening = true;
    slot.started = message.started;
    if (phase === "serving") {
      log("worker_restarted", { child: slot.number, pid: slot.pid });
      return;
    }
    if (phase !== "starting") return;
    if (slot.number === 0) for (const other of slots.slice(1)) launch(other);
    if (slots.every((s) => s.listening)) announce();
  };

  const announce = () => {
    phase = "serving";
    reserved.release();
    if (config.db === undefined) printDemoTokens();
    log("started", {
      ...slots[0]!.started,
      config: config.inEffect,
      workers,
      pids: slots.map((s) => s.pid),
    });
  };

  const onExit = (slot: Slot, status: { code: number | null; signal: string | null }) => {
    slot.proc = null;
    slot.exit = status;
    slot.listening = false;
    if (phase === "starting") {
      // It could not start: neither can the service. What went wrong is on stderr, in the worker's words.
      failed = status.code !== null && status.code !== 0 ? status.code : 1;
      log("worker_failed_to_start", { child: slot.number, pid: slot.pid, code: status.code, signal: status.signal });
      stopAll("SIGTERM");
    } else if (phase === "serving") {
      if (Date.now() - slot.startedAt >= healthyAfterMs) slot.deaths = 0;
      const delay = Math.min(longestDelayMs, firstDelayMs * 2 ** slot.deaths);
      slot.deaths++;
      log("worker_exited", { child: slot.number, pid: slot.pid, code: status.code, signal: status.signal, restart_in_ms: delay });
      slot.restart = setTimeout(() => launch(slot), delay);
      return;
    }
    if (slots.every((s) => s.proc === null)) finishStop();
  };

  const stopAll = (signal: "SIGTERM" | "SIGINT") => {
    phase = "stopping";
    for (const slot of slots) {
      if (slot.restart !== null) clearTimeout(slot.restart);
      slot.restart = null;
      slot.proc?.kill(signal);
    }
  };

  const finishStop = () => {
    reserved.release();
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onInt);
    if (failed !== null) {
      logger.flush();
      finish(failed);
      return;
    }
    const exits = slots.map((s) => ({ worker: s.number, pid: s.pid, code: s.exit?.code ?? null, signal: s.exit?.signal ?? null }));
    log("stopped", { workers: exits });
    logger.flush();
    finish(exits.every((e) => e.code === 0) ? 0 : 1);
  };

  const onSignal = (signal: "SIGTERM" | "SIGINT") => {
    if (phase === "stopping") return;
    log("draining", { signal, workers: slots.filter((s) => s.proc !== null).map((s) => s.pid) });
    stopAll(signal);
    if (slots.every((s) => s.proc === null)) finishStop();
  };
  const onTerm = () => onSignal("SIGTERM");
  const onInt = () => onSignal("SIGINT");
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);

  launch(slots[0]!);
  return done;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
