// createApp() builds the whole service without listening: the executable under any runtime,
// the tests and the benchmarks all serve this one composition. A test turns limits, logs or
// remembered answers off by configuration, never by building another pipeline.
//
// A request goes: pipeline.ts (context, limits, remembered answers) → the router (Elysia:
// errors.ts, the route capture, the auth chain, the routes) → answers.ts (ETag, 304, gzip,
// remembering) → back out through the pipeline (headers, metrics, log line).
import { Elysia } from "elysia";
import { contextOf } from "../api/request-context.ts";
import type { RequestContext } from "../api/request-context.ts";
import { githubApi } from "../api/github/index.ts";
import { forgeApi } from "../api/v1/index.ts";
import { defaults } from "../defaults.ts";
import type { LimitsConfig } from "../limits/config.ts";
import { expositionContentType, mergeExpositions } from "../observability/exposition.ts";
import { HttpMetrics } from "../observability/http-metrics.ts";
import type { Logger } from "../observability/logger.ts";
import { renderMetrics } from "../observability/service-metrics.ts";
import type { SyncFacts } from "../observability/service-metrics.ts";
import { TableRows } from "../observability/table-rows.ts";
import type { ServiceDatabase, Store } from "../store/index.ts";
import { version } from "../version.ts";
import type { ApiSettings } from "../api/settings.ts";
import { Answers } from "./answers.ts";
import { corsPolicy } from "./cors.ts";
import { docs } from "./docs.ts";
import type { DocsAssets } from "./docs.ts";
import { portableCodec } from "./encoding.ts";
import type { Codec } from "./encoding.ts";
import { errorHandling } from "./errors.ts";
import { Pipeline } from "./pipeline.ts";
import type { Handler, Peer } from "./pipeline.ts";

export interface AppOptions {
  store: Store;
  /** The database's change signal (see the runtime's OpenedDatabase); absent: nothing is remembered across requests. */
  dataVersion?: () => number;
  /** The clock (default Date.now). */
  now?: () => number;
  /** Base for the API's absolute URLs (Link, url): configured, or else the request's own origin. */
  publicUrl?: string;
  /** Base of the forge's web pages, for every html_url; absent, the API's own base. */
  webUrl?: string;
  /** Behind a proxy that sets them: X-Forwarded-Proto and X-Forwarded-Host shape the URLs. */
  trustProxy?: boolean;
  /** Where the forge's own Actions lifecycle routes are, named in the read-only refusal. */
  lifecycleUrl?: string;
  /** Origins whose pages may read the answers; absent or empty, any origin (as GitHub's API). */
  corsOrigins?: string[];
  docsAssets: DocsAssets;
  /** The ETag digest and gzip; the portable one (node:crypto, node:zlib) unless a runtime brings its own. */
  codec?: Codec;
  /** Budget for remembered answers (0: every answer computed). */
  responseCacheBytes?: number;
  /** Asked for once the remembered answers have dropped half their budget (see Runtime.collectGarbage). */
  collectGarbage?: () => void;
  /** Absent: no log lines (an internal error still goes to stderr). */
  logger?: Logger;
  /** Absent: no limits. */
  limits?: LimitsConfig;
  /** Given, the counters are the caller's to read as well (tests, the soak). */
  metrics?: HttpMetrics;
  /** The database behind the store, for rows per table and its size on /metrics. */
  database?: ServiceDatabase;
  /** Data freshness for /readyz; absent when the database is not followed by a sync. */
  readiness?: () => { ready: boolean; [k: string]: unknown };
  /** The sync's figures for /metrics; absent, or null, when the database is not followed by a sync. */
  syncStatus?: () => SyncFacts | null;
  /**
   * When the data was last known to match its source (ms since the epoch; null: not yet, as
   * while a first load runs); absent when nothing says (a file nobody reports on, the demo).
   */
  dataAsOf?: () => number | null;
  /** With `dataAsOf`: older data than this gets every API request a 503 (0 or absent: served however old). */
  maxStalenessMs?: number;
  /** True from a stop's signal on: /readyz says 503, so that load balancers send no new connections while it drains. */
  stopping?: () => boolean;
  /** What is wrong with the database file (see the runtime's OpenedDatabase.fault): a 503 for every API request, and for /readyz. */
  dataFault?: () => string | null;
  /**
   * Under `serve --workers N`: this process's number, which every sample of its /metrics
   * carries, and the other workers' expositions, which /metrics answers with its own.
   */
  worker?: { number: number; workers: number; others?: () => Promise<{ worker: number; text: string }[]> };
}

export interface App {
  /** The runtime's server hands every request here, with the peer that sent it. */
  fetch(request: Request, peer?: Peer | null): Response | Promise<Response>;
  /** The same, always as a promise (tests). */
  handle(request: Request, peer?: Peer | null): Promise<Response>;
  /** Every route the router serves: method and path pattern. */
  readonly routes: readonly { method: string; path: string }[];
  readonly metrics: HttpMetrics;
  /** This process's own /metrics exposition. */
  metricsText(): string;
}

/** `/api/v1/repos/:owner/:repo/actions/runs` → a pattern matching that path with any segment values. */
function pathPattern(path: string): RegExp {
  const source = path.split("/").map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
  return new RegExp(`^${source}/?$`);
}

export function createApp(opts: AppOptions): App {
  const now = opts.now ?? Date.now;
  const codec = opts.codec ?? portableCodec;
  const metrics = opts.metrics ?? new HttpMetrics();
  const logger = opts.logger ?? null;
  const answers = new Answers(codec, opts.dataVersion ? (opts.responseCacheBytes ?? defaults.responseCacheBytes) : 0, opts.collectGarbage);
  const startedAt = Date.now();
  const database = opts.database && { db: opts.database, rows: new TableRows(opts.database) };
  const freshness = opts.dataAsOf && opts.maxStalenessMs ? { dataAsOf: opts.dataAsOf, maxAgeMs: opts.maxStalenessMs } : null;
  const pipeline = new Pipeline({
    store: opts.store, tokenHash: codec.tokenHash, dataVersion: opts.dataVersion, now, answers, cors: corsPolicy(opts.corsOrigins ?? null), metrics, logger,
    limits: opts.limits ?? null, freshness, dataFault: opts.dataFault ?? null,
  });
  const settings: ApiSettings = {
    publicUrl: opts.publicUrl, webUrl: opts.webUrl, trustProxy: opts.trustProxy, lifecycleUrl: opts.lifecycleUrl, budgetOf: pipeline.budgetOf,
  };

  const metricsText = () => renderMetrics({ http: metrics, version, startedAt, database, sync: opts.syncStatus, answers, worker: opts.worker });

  let patterns: { pattern: RegExp; method: string }[] | null = null;
  const allowedMethods = (pathname: string): string[] | null => {
    patterns ??= router.routes.map((r) => ({ pattern: pathPattern(r.path), method: r.method }));
    const methods = patterns.filter((r) => r.pattern.test(pathname)).map((r) => r.method);
    if (methods.length === 0) return null;
    return methods.includes("GET") ? [...new Set([...methods, "HEAD"])] : methods;
  };
  const logError = (error: unknown, ctx: RequestContext) => {
    const fields = { request_id: ctx.id, method: ctx.request.method, route: ctx.route, error: String((error as Error)?.stack ?? error) };
    if (logger) logger.log("internal_error", fields);
    else console.error("internal_error", fields);
  };

  /** The API's routes: the forge's /api/v1, and GitHub's at /api/v3 and at the root. */
  const api = () => [forgeApi(settings), githubApi(settings, "/api/v3"), githubApi(settings, "")];

  const router = new Elysia()
    .use(errorHandling({ allowedMethods, logError }))
    // Hooks apply only to the routes registered after them: these two come first.
    .onTransform({ as: "global" }, ({ request, route }) => {
      // Noted before a route's auth can refuse the request, for the log line and the metrics.
      contextOf(request).route = route;
    })
    .mapResponse({ as: "global" }, ({ responseValue, set, request }) => {
      // Only JSON values the handlers returned: errors and files arrive here already as Responses.
      if (responseValue instanceof Response || responseValue === null || typeof responseValue !== "object") return;
      if (set.status !== undefined && set.status !== 200) return;
      return answers.answer(contextOf(request), responseValue, set);
    })
    .get("/healthz", () => ({ status: "ok" }), { detail: { hide: true } })
    .get("/readyz", ({ set }) => {
      const fault = opts.dataFault?.() ?? null;
      // A broken file is not read again for its sync's state: the fault is the answer.
      const state = opts.stopping?.() ? { ready: false, stopping: true }
        : fault !== null ? { ready: false, fault } : opts.readiness?.() ?? { ready: true, sync: "none" };
      if (!state.ready) set.status = 503;
      return state;
    }, { detail: { hide: true } })
    .get("/metrics", async () => {
      const own = metricsText();
      const worker = opts.worker;
      const others = worker?.others ? await worker.others() : [];
      const texts = [...others, { worker: worker?.number ?? 0, text: own }].sort((a, b) => a.worker - b.worker).map((t) => t.text);
      return new Response(texts.length === 1 ? own : mergeExpositions(texts), { headers: { "content-type": expositionContentType } });
    }, { detail: { hide: true } })
    .use(docs(opts.docsAssets, version, api))
    .use(api());
  router.compile();
  // router.fetch, not router.handle: handle wraps every answer in a promise, and a remembered
  // answer is ready at once (a sync throw is still caught by the pipeline).
  const route = router.fetch as Handler;

  const fetch = (request: Request, peer: Peer | null = null) => pipeline.serve(request, peer, route);
  return {
    fetch,
    handle: async (request, peer) => fetch(request, peer),
    routes: router.routes.map((r) => ({ method: r.method, path: r.path })),
    metrics,
    metricsText,
  };
}
