// Where every request enters the service, whatever answers it. It gets its context (an id,
// the data version read once, the clock, the URL as sent), is held to the limits, is answered
// from the remembered answers or by the router, and is timed, counted and logged; its answer
// carries X-Request-Id and the rate limit headers, errors, 404s of unknown paths and refusals
// included. Synchronous whenever the answer is: a remembered answer never waits on a promise.
import { RequestContext, attachContext } from "../api/request-context.ts";
import type { Peer } from "../api/request-context.ts";

export type { Peer } from "../api/request-context.ts";
import { ApiError } from "../errors.ts";
import type { LimitsConfig } from "../limits/config.ts";
import { addressKey } from "../limits/client-key.ts";
import { timedOut, withinDeadline } from "../limits/deadline.ts";
import { Ledgers } from "../limits/ledger.ts";
import type { Ledger } from "../limits/ledger.ts";
import { refusalError, timeoutError } from "../limits/refusals.ts";
import { oversizeRequest, targetStart } from "../limits/request-size.ts";
import type { HttpMetrics, RejectionReason } from "../observability/http-metrics.ts";
import { unmatchedRoute } from "../observability/http-metrics.ts";
import type { Logger, LogLevel } from "../observability/logger.ts";
import { requestIdFor } from "../observability/request-id.ts";
import type { Store, TokenHolder } from "../store/index.ts";
import type { RateBudget } from "../limits/budget.ts";
import type { Answers } from "./answers.ts";
import type { CorsPolicy } from "./cors.ts";
import { errorResponse } from "./errors.ts";

export type Handler = (request: Request) => Response | Promise<Response>;

export interface PipelineOptions {
  store: Store;
  /** A raw token's hash as the forge stores it (the codec's). */
  tokenHash: (raw: string) => string;
  /** The database's change signal; absent: every request reads at a null version, and nothing is remembered. */
  dataVersion?: () => number;
  now(): number;
  answers: Answers;
  cors: CorsPolicy;
  metrics: HttpMetrics;
  /** Null: no log lines. */
  logger: Logger | null;
  /** Null: no limits at all. */
  limits: LimitsConfig | null;
  /** Null: data of any age is served. */
  freshness?: Freshness | null;
  /** What is wrong with the database file, if anything: then every API request is a 503. */
  dataFault?: (() => string | null) | null;
}

/** How old the data may be before the API stops answering from it. */
export interface Freshness {
  dataAsOf(): number | null;
  maxAgeMs: number;
}

/**
 * The 503 of data too old to serve, or null. Failing closed: a sync that cannot follow its
 * source (down, or refused a table) must not go on serving what it may have revoked since.
 */
function staleness(freshness: Freshness, now: number): ApiError | null {
  const asOf = freshness.dataAsOf();
  if (asOf !== null && now - asOf <= freshness.maxAgeMs) return null;
  const message = asOf === null
    ? "Service Unavailable: the data is not loaded yet"
    : `Service Unavailable: the data is stale, last brought up to date ${Math.round((now - asOf) / 1000)} s ago (at most ${freshness.maxAgeMs / 1000} s allowed)`;
  return new ApiError("unavailable", message, { headers: { "retry-after": "5" } });
}

/** What admitting a request charged to its client, settled once its answer is known. */
interface Charge {
  ledgers: Ledgers<number> | Ledgers<string>;
  ledger: Ledger;
  window: number;
  settled: boolean;
}

/** One request's bookkeeping in the pipeline, beside its context. */
interface Entry {
  ctx: RequestContext;
  startedAt: number;
  /** A probe or a scrape: never limited, logged at debug. */
  operational: boolean;
  rejection: RejectionReason | null;
  charge: Charge | null;
}

/** Probes and scrapes: never limited, logged at debug. */
const operationalPaths = ["/healthz", "/readyz", "/metrics"];
/** Asking for one's budget is not charged to it, as on GitHub; the route reads the ledger itself. */
const unchargedPaths = ["/rate_limit", "/api/v3/rate_limit"];

function isOneOf(paths: readonly string[], url: string, start: number): boolean {
  for (const path of paths) {
    if (url.startsWith(path, start)) {
      const end = start + path.length;
      if (end === url.length || url.charCodeAt(end) === 63 /* ? */) return true;
    }
  }
  return false;
}

/** Elysia finds a URL's path by searching for "/" from the 12th character (see `routable`). */
const shortestRoutableOrigin = 11;

export class Pipeline {
  /** By user: all of a user's tokens share one budget, as on GitHub (the refusal names the user). */
  private readonly users: Ledgers<number> | null;
  private readonly addresses: Ledgers<string> | null;
  /** Whose token it is matters to the log line and the limits, even where no route asks. */
  private readonly identifies: boolean;

  constructor(private readonly opts: PipelineOptions) {
    const limits = opts.limits;
    this.users = limits && new Ledgers({ perHour: limits.tokenRequestsPerHour, perMinute: limits.requestsPerMinute, concurrent: limits.concurrentRequests });
    this.addresses = limits && new Ledgers({ perHour: limits.anonymousRequestsPerHour, perMinute: limits.requestsPerMinute, concurrent: limits.concurrentRequests });
    this.identifies = opts.logger !== null || limits !== null;
  }

  serve(request: Request, peer: Peer | null, router: Handler): Response | Promise<Response> {
    const { limits, metrics } = this.opts;
    const url = request.url;
    const pathStart = targetStart(url);
    const origin = url.slice(0, pathStart);
    const routed = pathStart < shortestRoutableOrigin ? routable(request, url, pathStart) : request;
    const ctx = new RequestContext(
      requestIdFor(request.headers.get("x-request-id")), routed, url, origin,
      this.opts.store, this.opts.dataVersion?.() ?? null, this.opts.now(), request, peer, this.opts.tokenHash,
    );
    const entry: Entry = { ctx, startedAt: performance.now(), operational: isOneOf(operationalPaths, url, pathStart), rejection: null, charge: null };
    metrics.inFlight++;
    try {
      // One snapshot for what this request reads (src/store/snapshot.ts), after its version was read.
      this.opts.store.readAt(ctx.dataVersion);
      // A preflight needs no token and no route.
      const preflight = this.opts.cors.preflight(request);
      if (preflight) return this.finish(entry, preflight);
      // Two Host headers (which the runtime joins with ", ") or a list in one: RFC 9112 § 3.2 wants a 400.
      const host = request.headers.get("host");
      if (host !== null && host.includes(",")) {
        entry.rejection = "malformed";
        return this.finish(entry, errorResponse(new ApiError("invalid", "Bad Request: a request has exactly one Host", { status: 400 })));
      }
      const oversize = limits ? oversizeRequest(request, limits.maxUrlBytes, limits.maxHeaderBytes) : null;
      if (oversize) {
        entry.rejection = oversize.status === 414 ? "url_too_long" : "headers_too_large";
        return this.finish(entry, errorResponse(oversize));
      }
      const fault = entry.operational ? null : this.opts.dataFault?.() ?? null;
      if (fault !== null) {
        // Fails closed: a broken file answers nothing rather than 500s or an old inode's data.
        return this.finish(entry, errorResponse(new ApiError("unavailable", `Service Unavailable: the database file is ${fault.split(":")[0]}`, { headers: { "retry-after": "5" } })));
      }
      const freshness = this.opts.freshness;
      if (freshness && !entry.operational) {
        const stale = staleness(freshness, ctx.now);
        if (stale) return this.finish(entry, errorResponse(stale));
      }
      if (this.identifies && !entry.operational) {
        const authentication = ctx.authentication;
        if (limits && !isOneOf(unchargedPaths, url, pathStart)) {
          const refused = this.admit(entry, authentication instanceof ApiError ? null : authentication);
          if (refused) return this.finish(entry, errorResponse(refused));
        }
      }
      const remembered = this.opts.answers.lookup(ctx);
      if (remembered) return this.finish(entry, remembered);
      attachContext(routed, ctx);
      const result = router(routed);
      if (!(result instanceof Promise)) return this.finish(entry, result);
      return this.awaitAnswer(entry, result);
    } catch (error) {
      return this.failed(entry, error);
    } finally {
      // Before the answer is handed back or awaited: what is read after an await reads on its own.
      this.opts.store.readDone();
    }
  }

  /** A client's hourly budget, read without charging it; null when there is no hourly limit. */
  readonly budgetOf = (ctx: RequestContext, holder: TokenHolder | null): RateBudget | null => {
    const ledgers = holder ? this.users : this.addresses;
    const limit = ledgers?.limits.perHour ?? 0;
    if (!ledgers || limit <= 0) return null;
    const now = ctx.now;
    const ledger = holder ? this.users!.peek(holder.userId) : this.addresses!.peek(addressKey(ctx.clientAddress()));
    const open = ledger !== undefined && now < ledger.hourEndsAt;
    const used = open ? ledger.hourUsed : 0;
    return { limit, used, remaining: Math.max(0, limit - used), reset: Math.ceil((open ? ledger.hourEndsAt : now + 3_600_000) / 1000) };
  };

  /** Charge the request to its client's ledger, or the refusal when the client is over a limit. */
  private admit(entry: Entry, holder: TokenHolder | null): ApiError | null {
    const now = entry.ctx.now;
    let key = "";
    let ledgers: Ledgers<number> | Ledgers<string>;
    let ledger: Ledger;
    if (holder) {
      ledgers = this.users!;
      ledger = this.users!.ledger(holder.userId, now);
    } else {
      key = addressKey(entry.ctx.clientAddress());
      ledgers = this.addresses!;
      ledger = this.addresses!.ledger(key, now);
    }
    const refusal = ledgers.admit(ledger, now);
    if (refusal) {
      entry.rejection = refusal;
      entry.charge = { ledgers, ledger, window: 0, settled: true };
      const retryAfter = refusal === "burst" ? Math.ceil((ledger.minuteEndsAt - now) / 1000) : 1;
      return refusalError(refusal, holder ? { userId: holder.userId } : { addressKey: key }, entry.ctx.id, retryAfter);
    }
    entry.charge = { ledgers, ledger, window: ledger.hourEndsAt, settled: false };
    return null;
  }

  private async awaitAnswer(entry: Entry, result: Promise<Response>): Promise<Response> {
    const limits = this.opts.limits;
    try {
      if (!limits || limits.requestTimeoutMs <= 0) return this.finish(entry, await result);
      const outcome = await withinDeadline(result, limits.requestTimeoutMs);
      if (outcome !== timedOut) return this.finish(entry, outcome);
      entry.rejection = "timeout";
      // The work goes on; its client's slot is freed when it ends, not now.
      const charge = entry.charge;
      if (charge && !charge.settled) {
        charge.settled = true;
        const settle = () => charge.ledgers.settle(charge.ledger, false, charge.window);
        result.then(settle, settle);
      } else result.catch(() => {});
      return this.finish(entry, errorResponse(timeoutError(limits.requestTimeoutMs)));
    } catch (error) {
      return this.failed(entry, error);
    }
  }

  private failed(entry: Entry, error: unknown): Response {
    this.opts.logger?.log("internal_error", { request_id: entry.ctx.id, route: entry.ctx.route, error: String((error as Error)?.stack ?? error) });
    return this.finish(entry, errorResponse(new ApiError("internal", "Internal error")));
  }

  /** The answer is known: settle the charge, add the headers, count, time and log it. */
  private finish(entry: Entry, answer: Response): Response {
    const { metrics, logger } = this.opts;
    const { ctx, charge, rejection } = entry;
    if (charge && !charge.settled) {
      charge.settled = true;
      // Free only when nothing was computed: a 304 from memory for the tag the client named.
      charge.ledgers.settle(charge.ledger, ctx.notModifiedFromMemory, charge.window);
    }
    const response = this.opts.cors.decorate(ctx.request, withHeaders(answer, ctx.id, charge));
    const seconds = (performance.now() - entry.startedAt) / 1000;
    metrics.inFlight--;
    metrics.observe(ctx.route ?? unmatchedRoute, response.status, seconds);
    if (rejection) metrics.rejected(rejection);
    if (logger) {
      const level: LogLevel = response.status >= 500 ? "warn" : entry.operational ? "debug" : "info";
      if (logger.wants(level)) {
        logger.request(level, ctx.request.method, ctx.route, response.status, Math.round(seconds * 1e6) / 1000, ctx.id, ctx.login, rejection);
      }
    }
    return response;
  }
}

/**
 * The request as the router can take it: under a placeholder host when its own is under four
 * characters (`Host: git`), since Elysia looks for the path from the 12th character; the
 * context keeps the URL as sent, so the answer's URLs still name the host the client used.
 */
function routable(request: Request, url: string, pathStart: number): Request {
  return new Request("http://short-host.invalid" + url.slice(pathStart), request);
}

function withHeaders(response: Response, requestId: string, charge: Charge | null): Response {
  let headers = response.headers;
  try {
    headers.set("x-request-id", requestId);
  } catch {
    // Immutable headers (a Response made by fetch()): answer with a copy.
    response = new Response(response.body, response);
    headers = response.headers;
    headers.set("x-request-id", requestId);
  }
  const perHour = charge?.ledgers.limits.perHour ?? 0;
  if (charge && perHour > 0) {
    const { ledger } = charge;
    headers.set("x-ratelimit-limit", String(perHour));
    headers.set("x-ratelimit-remaining", String(Math.max(0, perHour - ledger.hourUsed)));
    headers.set("x-ratelimit-used", String(ledger.hourUsed));
    headers.set("x-ratelimit-reset", String(Math.ceil(ledger.hourEndsAt / 1000)));
    headers.set("x-ratelimit-resource", "core");
  }
  return response;
}
