// `actions-runs serve`: open the database (a file, or the embedded demo), build the app,
// listen, and stop gracefully on SIGTERM/SIGINT. The same process is also one worker of
// `serve --workers N` (supervise.ts starts them): then it shares the port with the others,
// names itself in every log line and on /metrics, tells its supervisor once it listens, and
// stops as on a signal when its supervisor is gone.
import type { ServeConfig } from "../config/index.ts";
import { createApp } from "../http/app.ts";
import { stdoutLogger } from "../observability/logger.ts";
import type { Runtime, Stdout } from "../runtime/types.ts";
import { printDemoTokens } from "./demo-tokens.ts";
import { isMessage, metricsWaitMs } from "./worker-messages.ts";
import type { MetricsReply, WorkerMessage } from "./worker-messages.ts";
import { createStore } from "../store/index.ts";
import { servedDatabase } from "./served-database.ts";
import type { ServedDatabase } from "./served-database.ts";
import { version } from "../version.ts";

/**
 * How old the served data is, read from the sync's heartbeat once per data version (the pipeline
 * asks at every request); null while a first load runs. A file with no heartbeat is a snapshot:
 * as new as it will ever be.
 */
function dataAsOf(served: ServedDatabase): () => number | null {
  let version = Number.NaN;
  let heartbeat: { dataAsOf: number | null } | null = null;
  return () => {
    const now = served.dataVersion();
    if (now !== version) {
      // Unreadable (the file is failing): as old as nothing vouches for, so stale.
      heartbeat = unreadableAs({ dataAsOf: null }, () => served.health().health()?.heartbeat ?? null);
      version = now;
    }
    return heartbeat === null ? Date.now() : heartbeat.dataAsOf;
  };
}

/** What `read` gives, or `fallback` when the file cannot be read (a fault the watch reports on its own). */
function unreadableAs<T, F>(fallback: F, read: () => T): T | F {
  try {
    return read();
  } catch {
    return fallback;
  }
}

export async function serve(config: ServeConfig, runtime: Runtime, stdout: Stdout): Promise<number> {
  const { db: dbFile, limits, worker } = config;
  const logger = stdoutLogger(config.log.level, config.log.format, stdout, worker);
  const log = logger.log;

  // A file is watched and, broken, brought back (served-database.ts); the sync, if any, writes
  // it on its own connection while the API reads it on another (WAL).
  const served = dbFile === undefined ? null : await servedDatabase(runtime, dbFile, config.syncFrom, log);
  const demo = served === null ? await runtime.openEmbeddedDemo() : null;
  // From the signal on, /readyz says so (503): a load balancer checking it sends new clients elsewhere.
  let stopping = false;
  // /metrics of one worker answers for all: the others' texts come through the supervisor.
  let asked = 0;
  const waiting = new Map<number, (texts: MetricsReply["texts"]) => void>();
  const otherWorkersMetrics = () => new Promise<MetricsReply["texts"]>((resolve) => {
    const id = ++asked;
    const answered = (texts: MetricsReply["texts"]) => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(texts);
    };
    // The supervisor answers within its own wait; this one covers a supervisor that is gone.
    const timer = setTimeout(() => answered([]), 2 * metricsWaitMs);
    waiting.set(id, answered);
    tellSupervisor({ type: "metrics-request", id });
  });
  const app = createApp({
    store: served?.store ?? createStore(demo!.db, demo!.readTransaction),
    dataVersion: served?.dataVersion ?? demo!.dataVersion,
    dataFault: served?.fault,
    publicUrl: config.publicUrl,
    webUrl: config.webUrl,
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    lifecycleUrl: config.lifecycleUrl,
    docsAssets: runtime.docsAssets,
    codec: runtime.codec,
    collectGarbage: runtime.collectGarbage,
    responseCacheBytes: config.responseCacheBytes,
    logger,
    limits,
    database: served?.db ?? demo!.db,
    // /readyz and /metrics from the heartbeat a sync writes into the file, this process's or another's.
    readiness: served ? () => unreadableAs({ ready: false, sync: "unreadable" }, () => served.health().readiness()) : undefined,
    syncStatus: served ? () => unreadableAs(null, () => served.health().facts()) : undefined,
    // The data's age from the same heartbeat; a file no sync writes (none) is as new as it will ever be.
    dataAsOf: served ? dataAsOf(served) : undefined,
    maxStalenessMs: config.maxStalenessMs,
    stopping: () => stopping,
    worker: worker === undefined ? undefined : { number: worker, workers: config.workers ?? 1, others: otherWorkersMetrics },
  });

  const listening = await runtime.listen(app.fetch, {
    host: config.host,
    port: config.port,
    unixSocket: config.unixSocket,
    tls: config.tls,
    shutdownGraceSeconds: config.shutdownGraceSeconds,
    // Longer than the request timeout, so that a late answer is a JSON 503 rather than a dropped connection.
    idleTimeoutSeconds: limits.requestTimeoutMs > 0 ? Math.min(255, limits.requestTimeoutMs / 1000 + 5) : undefined,
    reusePort: worker !== undefined,
  }, log);

  // Before the started line: whoever waits for it has the tokens already (a supervisor prints them for its workers).
  if (dbFile === undefined && worker === undefined) printDemoTokens();
  const started = {
    version,
    runtime: runtime.name,
    database: dbFile ?? demo!.source,
    change_signal: served?.changeSignal ?? demo!.changeSignal,
    listening: listening.urls,
    public_url: config.publicUrl ?? null,
    shutdown_grace_s: config.shutdownGraceSeconds,
    config: config.inEffect,
  };
  // A worker's start is `worker_started`: `started` is its supervisor's, once every worker listens.
  log(worker === undefined ? "started" : "worker_started", started);
  if (worker !== undefined) {
    process.on("message", (message: unknown) => {
      if (isMessage(message, "metrics-collect")) tellSupervisor({ type: "metrics-text", id: message.id, text: app.metricsText() });
      else if (isMessage(message, "metrics-reply")) waiting.get(message.id)?.(message.texts);
    });
    tellSupervisor({ type: "listening", started });
  }

  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      // A worker hears a terminal's ^C itself and again from its supervisor: one stop.
      if (stopping) return;
      stopping = true;
      log("draining", { signal });
      void listening.stop({ listenerClosed: () => log("stopping", { signal }) }).then(async () => {
        await served?.close();
        demo?.close();
        log("stopped");
        logger.flush();
        // The channel to the supervisor would keep the process up.
        if (worker !== undefined) process.disconnect?.();
        resolve();
      });
    };
    if (worker === undefined) {
      process.once("SIGTERM", () => onSignal("SIGTERM"));
      process.once("SIGINT", () => onSignal("SIGINT"));
    } else {
      process.on("SIGTERM", () => onSignal("SIGTERM"));
      process.on("SIGINT", () => onSignal("SIGINT"));
      // The supervisor is gone (killed, even with -9): its channel closes, and the worker stops rather than linger.
      process.once("disconnect", () => {
        if (stopping) return;
        log("supervisor_gone");
        onSignal("none: the supervisor is gone");
      });
    }
  });
  return 0;
}

function tellSupervisor(message: WorkerMessage): void {
  try {
    process.send?.(message);
  } catch {
    // The supervisor is gone: the disconnect stops this worker.
  }
}
