// `actions-runs serve`: open the database (a file, or the embedded demo), build the app,
// listen, and stop gracefully on SIGTERM/SIGINT.
import type { ServeConfig } from "../config/index.ts";
import { createApp } from "../http/app.ts";
import { stdoutLogger } from "../observability/logger.ts";
import type { Runtime } from "../runtime/types.ts";
import { demoTokens } from "../seed/fixtures.ts";
import { createStore } from "../store/index.ts";
import { startSync } from "../sync/index.ts";
import type { SyncStatus } from "../sync/index.ts";
import { version } from "../version.ts";

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

  // The sync creates the file and its tables before it returns, so it starts first; the API
  // then reads the same file on its own read-only connection while batches land (WAL).
  const sync = config.syncFrom !== undefined ? startSync({ edges: runtime.sync, from: config.syncFrom, dbPath: dbFile!, log }) : null;
  const opened = dbFile === undefined ? await runtime.openEmbeddedDemo() : runtime.openDatabaseFile(dbFile);
  const app = createApp({
    store: createStore(opened.db),
    dataVersion: opened.dataVersion,
    publicUrl: config.publicUrl,
    docsAssets: runtime.docsAssets,
    codec: runtime.codec,
    responseCacheBytes: config.responseCacheBytes,
    logger,
    limits,
    database: opened.db,
    readiness: sync ? () => readiness(sync.status()) : undefined,
    syncStatus: sync ? () => sync.status() : undefined,
    // The data's age as the sync knows it; a file another process syncs says nothing here yet.
    dataAsOf: sync ? () => sync.dataAsOf() : undefined,
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
    database: opened.source,
    change_signal: opened.changeSignal,
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
        await sync?.stop();
        opened.close();
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
