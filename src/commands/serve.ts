// `actions-runs serve`: open the database (a file, or the embedded demo), build the app,
// listen, and stop gracefully on SIGTERM/SIGINT.
import type { ServeConfig } from "../config/index.ts";
import { createApp } from "../http/app.ts";
import { stdoutLogger } from "../observability/logger.ts";
import type { Runtime } from "../runtime/types.ts";
import { demoTokens } from "../seed/fixtures.ts";
import { createStore } from "../store/index.ts";
import type { SyncStatus } from "../sync/index.ts";
import { servedDatabase } from "./served-database.ts";
import { version } from "../version.ts";

const stoppedStatus: SyncStatus = {
  state: "stopped", since: 0, lastBatchAt: null, dataAsOf: null, lagMs: null, fresh: false, rowsApplied: 0, polls: 0, load: null, lastError: null,
};

/** /readyz: ready while the copy is fresh; otherwise 503, with how far behind it is. */
function readiness(s: SyncStatus) {
  return {
    ready: s.fresh,
    sync: s.state,
    lag_ms: s.lagMs,
    data_as_of: s.dataAsOf === null ? null : new Date(s.dataAsOf).toISOString(),
    last_batch_at: s.lastBatchAt === null ? null : new Date(s.lastBatchAt).toISOString(),
    loading: s.load,
  };
}

export async function serve(config: ServeConfig, runtime: Runtime): Promise<number> {
  const logger = stdoutLogger(config.log.level, config.log.format);
  const log = logger.log;
  const { db: dbFile, limits } = config;

  // A file is watched and, broken, brought back (served-database.ts); the sync, if any, writes
  // it on its own connection while the API reads it on another (WAL).
  const served = dbFile === undefined ? null : servedDatabase(runtime, dbFile, config.syncFrom, log);
  const demo = served === null ? await runtime.openEmbeddedDemo() : null;
  const sync = served?.sync() ? () => served.sync() : null;
  const app = createApp({
    store: served?.store ?? createStore(demo!.db),
    dataVersion: served?.dataVersion ?? demo!.dataVersion,
    dataFault: served?.fault,
    publicUrl: config.publicUrl,
    docsAssets: runtime.docsAssets,
    codec: runtime.codec,
    responseCacheBytes: config.responseCacheBytes,
    logger,
    limits,
    database: served?.db ?? demo!.db,
    // Between a rebuild's start and its end there is no sync: the data is as old as it was.
    readiness: sync ? () => readiness(sync()?.status() ?? stoppedStatus) : undefined,
    syncStatus: sync ? () => sync()?.status() ?? null : undefined,
    // The data's age as the sync knows it; a file another process syncs says nothing here yet.
    dataAsOf: sync ? () => sync()?.dataAsOf() ?? null : undefined,
    maxStalenessMs: config.maxStalenessMs,
  });

  const listening = await runtime.listen(app.fetch, {
    host: config.host,
    port: config.port,
    unixSocket: config.unixSocket,
    tls: config.tls,
    shutdownGraceSeconds: config.shutdownGraceSeconds,
    // Longer than the request timeout, so that a late answer is a JSON 503 rather than a dropped connection.
    idleTimeoutSeconds: limits.requestTimeoutMs > 0 ? Math.min(255, limits.requestTimeoutMs / 1000 + 5) : undefined,
  }, log);

  log("started", {
    version,
    runtime: runtime.name,
    database: dbFile ?? demo!.source,
    change_signal: served?.changeSignal ?? demo!.changeSignal,
    listening: listening.urls,
    public_url: config.publicUrl ?? null,
    shutdown_grace_s: config.shutdownGraceSeconds,
    config: config.inEffect,
  });
  if (dbFile === undefined) {
    console.log("Demo tokens (Authorization: token <t>):");
    for (const t of demoTokens) console.log(`  ${t.token.padEnd(22)} ${t.note}`);
  }

  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      log("draining", { signal });
      void listening.stop({ listenerClosed: () => log("stopping", { signal }) }).then(async () => {
        await served?.close();
        demo?.close();
        log("stopped");
        logger.flush();
        resolve();
      });
    };
    process.once("SIGTERM", () => onSignal("SIGTERM"));
    process.once("SIGINT", () => onSignal("SIGINT"));
  });
  return 0;
}
