// Running the service in production: the front door around every request (id, limits,
// timing, log line), and a plugin with the route capture it reads and GET /metrics.
import { Elysia } from "elysia";
import type { LimitsConfig } from "../limits/config.ts";
import type { ServiceDatabase, Store } from "../store/index.ts";
import { expositionContentType } from "./exposition.ts";
import { FrontDoor } from "./front-door.ts";
import { HttpMetrics } from "./http-metrics.ts";
import type { Logger } from "./logger.ts";
import { routeCapture } from "./request-record.ts";
import { renderMetrics } from "./service-metrics.ts";
import type { SyncFacts } from "./service-metrics.ts";
import { TableRows } from "./table-rows.ts";

export interface OperationsOptions {
  /** Absent: no log lines. */
  logger?: Logger;
  /** Absent: no limits. */
  limits?: LimitsConfig;
  /** The peer address the runtime saw for a request. */
  clientAddress?: (request: Request) => string | null;
  /** The database behind the store, for rows per table and its size on /metrics. */
  database?: ServiceDatabase;
  /** The sync's status; absent when the database is not followed by a sync. */
  syncStatus?: () => SyncFacts | null;
  version: string;
  /** Exposed so that tests and the soak can read the counters directly. */
  metrics?: HttpMetrics;
}

export function operations(opts: OperationsOptions, ctx: { store: Store; now(): number }) {
  const metrics = opts.metrics ?? new HttpMetrics();
  const startedAt = Date.now();
  const door = new FrontDoor({
    store: ctx.store,
    now: ctx.now,
    metrics,
    logger: opts.logger ?? null,
    limits: opts.limits ?? null,
    clientAddress: opts.clientAddress ?? (() => null),
  });
  const database = opts.database && { db: opts.database, rows: new TableRows(opts.database) };
  // Rows per table are counted when /metrics is first scraped, not at start-up: on a large
  // file the walk takes seconds of CPU that a starting service should spend on requests.

  const plugin = new Elysia()
    .use(routeCapture())
    .get("/metrics", () => new Response(renderMetrics({ http: metrics, version: opts.version, startedAt, database, sync: opts.syncStatus }), {
      headers: { "content-type": expositionContentType },
    }), { detail: { hide: true } });
  return { plugin, door };
}
