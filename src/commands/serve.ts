// `actions-runs serve`: open the database (a file, or the embedded demo), build the app,
// listen, and stop gracefully on SIGTERM/SIGINT.
import { createApp, fetchHandler } from "../app.ts";
import { UsageError } from "../cli/args.ts";
import type { ParsedOptions } from "../cli/args.ts";
import { serveCommand } from "../cli/commands.ts";
import { limitsFromOptions } from "../limits/from-options.ts";
import { configurationInEffect, loggerFromOptions } from "../observability/from-options.ts";
import { recordOf } from "../observability/request-record.ts";
import { demoTokens } from "../seed/fixtures.ts";
import { createStore } from "../store/index.ts";
import { bunCodec } from "../runtime/bun/codec.ts";
import { openDatabaseFile, openEmbeddedDemo } from "../runtime/bun/database.ts";
import { embeddedDocsAssets } from "../runtime/bun/embedded.ts";
import { listen, peerAddress } from "../runtime/bun/serve.ts";
import { startSync } from "../sync/index.ts";
import { fileSyncHealth } from "../sync/heartbeat.ts";
import { version } from "../version.ts";

export async function serve(opts: ParsedOptions): Promise<number> {
  const logger = loggerFromOptions(opts);
  const log = logger.log;
  const limits = limitsFromOptions(opts);
  const dbFile = opts.db as string | undefined;
  const unixSocket = opts["unix-socket"] as string | undefined;
  const port = (opts.port as number | undefined) ?? (unixSocket ? undefined : 8080);
  const certFile = opts["tls-cert"] as string | undefined;
  const keyFile = opts["tls-key"] as string | undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
  if (certFile && port === undefined) throw new UsageError("--tls-cert needs a TCP --port");
  for (const f of [certFile, keyFile]) if (f && !(await Bun.file(f).exists())) throw new UsageError(`cannot read ${f}`);
  const publicUrl = opts["public-url"] as string | undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new UsageError("--public-url must be an http(s) URL");
  const syncFrom = opts["sync-from"] as string | undefined;
  if (syncFrom !== undefined && dbFile === undefined) throw new UsageError("--sync-from needs --db FILE (the copy it keeps live)");

  // The sync creates the file and its tables before it returns, so it starts first; the API
  // then reads the same file on its own read-only connection while batches land (WAL).
  const sync = syncFrom !== undefined ? startSync({ from: syncFrom, dbPath: dbFile!, log }) : null;
  const opened = dbFile === undefined ? await openEmbeddedDemo() : openDatabaseFile(dbFile);
  const store = createStore(opened.db, { dataVersion: opened.dataVersion });
  // /readyz and /metrics from the heartbeat a sync writes into the file, this process's or another's.
  const syncHealth = dbFile === undefined ? null : fileSyncHealth(opened.db, Date.now);
  const app = createApp({
    store,
    now: Date.now,
    publicUrl: publicUrl?.replace(/\/+$/, ""),
    docsAssets: embeddedDocsAssets,
    codec: bunCodec,
    logError: (error, request) => log("internal_error", {
      request_id: recordOf(request)?.id, method: request.method, path: new URL(request.url).pathname, error: String((error as Error)?.stack ?? error),
    }),
    operations: { logger, limits, clientAddress: peerAddress, database: opened.db, syncStatus: syncHealth ? () => syncHealth.facts() : undefined },
    readiness: syncHealth ? () => syncHealth.readiness() : undefined,
    responseCacheBytes: (opts["response-cache-mb"] as number) * 1024 * 1024,
  });
  app.compile();

  const listening = await listen(fetchHandler(app), {
    host: opts.host as string,
    port,
    unixSocket,
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    shutdownGraceSeconds: opts["shutdown-grace"] as number,
    // Longer than the request timeout, so that a late answer is a JSON 503 rather than a dropped connection.
    idleTimeoutSeconds: limits.requestTimeoutMs > 0 ? Math.min(255, limits.requestTimeoutMs / 1000 + 5) : undefined,
  }, log);

  log("started", {
    version,
    database: opened.source,
    change_signal: opened.changeSignal,
    listening: listening.urls,
    public_url: publicUrl ?? null,
    shutdown_grace_s: opts["shutdown-grace"],
    config: configurationInEffect(serveCommand, opts),
  });
  if (dbFile === undefined) {
    console.log("Demo tokens (Authorization: token <t>):");
    for (const t of demoTokens) console.log(`  ${t.token.padEnd(22)} ${t.note}`);
  }

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
