// `actions-runs serve`: open the database (a file, or the embedded demo), build the app,
// listen, and stop gracefully on SIGTERM/SIGINT.
import type { ServeConfig } from "../config/index.ts";
import { createApp } from "../http/app.ts";
import { stdoutLogger } from "../observability/logger.ts";
import type { Runtime } from "../runtime/types.ts";
import { demoTokens } from "../seed/fixtures.ts";
import { createStore } from "../store/index.ts";
import { startSync } from "../sync/index.ts";
import { fileSyncHealth } from "../sync/heartbeat.ts";
import { version } from "../version.ts";

export async function serve(config: ServeConfig, runtime: Runtime): Promise<number> {
  const logger = stdoutLogger(config.log.level, config.log.format);
  const log = logger.log;
  const { db: dbFile, limits } = config;

  // The sync creates the file and its tables before it returns, so it starts first; the API
  // then reads the same file on its own read-only connection while batches land (WAL).
  const sync = config.syncFrom !== undefined ? startSync({ edges: runtime.sync, from: config.syncFrom, dbPath: dbFile!, log }) : null;
  const opened = dbFile === undefined ? await runtime.openEmbeddedDemo() : runtime.openDatabaseFile(dbFile);
  // /readyz and /metrics from the heartbeat a sync writes into the file, this process's or another's.
  const syncHealth = dbFile === undefined ? null : fileSyncHealth(opened.db, Date.now);
  const app = createApp({
    store: createStore(opened.db),
    dataVersion: opened.dataVersion,
    publicUrl: config.publicUrl,
    webUrl: config.webUrl,
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    lifecycleUrl: config.lifecycleUrl,
    docsAssets: runtime.docsAssets,
    codec: runtime.codec,
    responseCacheBytes: config.responseCacheBytes,
    logger,
    limits,
    database: opened.db,
    readiness: syncHealth ? () => syncHealth.readiness() : undefined,
    syncStatus: syncHealth ? () => syncHealth.facts() : undefined,
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

  // Before the started line: whoever waits for it has the tokens already.
  if (dbFile === undefined) {
    console.log("Demo tokens (Authorization: token <t>):");
    for (const t of demoTokens) console.log(`  ${t.token.padEnd(22)} ${t.note}`);
  }
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

  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      log("stopping", { signal });
      void listening.stop().then(async () => {
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
