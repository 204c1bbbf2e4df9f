// What every request passes through, around the routes: it gets an id, is held to the
// limits, is timed, counted and logged, and its answer carries X-Request-Id and the rate
// limit headers, whatever the answer is (errors, 404s of unknown paths, refusals included).
import { errorResponse } from "../api/respond.ts";
import { ApiError } from "../errors.ts";
import type { LimitsConfig } from "../limits/config.ts";
import { addressKey } from "../limits/client-key.ts";
import { timedOut, withinDeadline } from "../limits/deadline.ts";
import { Ledgers } from "../limits/ledger.ts";
import type { Ledger } from "../limits/ledger.ts";
import { refusalError, timeoutError } from "../limits/refusals.ts";
import { oversizeRequest, targetStart } from "../limits/request-size.ts";
import type { Store, TokenHolder } from "../store/index.ts";
import type { HttpMetrics, RejectionReason } from "./http-metrics.ts";
import { unmatchedRoute } from "./http-metrics.ts";
import type { Logger, LogLevel } from "./logger.ts";
import { keepRecord } from "./request-record.ts";
import type { RequestRecord } from "./request-record.ts";
import { requestIdFor } from "./request-id.ts";
import { decideAuthentication, rememberAuthentication } from "../auth/access.ts";
import type { Shortcut } from "../api/remembered-answers.ts";
import type { RateBudget } from "../limits/budget.ts";

export type Handler = (request: Request) => Response | Promise<Response>;

/** One request on its way through the front door; it is also the request's record. */
interface Visit extends RequestRecord {
  request: Request;
  startedAt: number;
  /** A probe or a scrape: never limited, logged at debug. */
  operational: boolean;
  rejection: RejectionReason | null;
  ledgers: Ledgers<number> | Ledgers<string> | null;
  ledger: Ledger | null;
  chargedWindow: number;
  /** False while an admitted request's charge is still open. */
  settled: boolean;
}

export interface FrontDoorOptions {
  store: Store;
  now(): number;
  metrics: HttpMetrics;
  logger: Logger | null;
  /** Null: no limits at all. */
  limits: LimitsConfig | null;
  /** The peer address of a request, from the runtime; null when there is none (unix socket, in-process). */
  clientAddress(request: Request): string | null;
}

/** Probes and scrapes: never limited, logged at debug. */
const operationalPaths = ["/healthz", "/readyz", "/metrics"];

/** Asking for one's budget is not charged to it, as on GitHub; the route reads the ledger itself. */
const uncharged = ["/rate_limit", "/api/v3/rate_limit"];

function isOneOf(paths: readonly string[], url: string, start: number): boolean {
  for (const path of paths) {
    if (url.startsWith(path, start)) {
      const end = start + path.length;
      if (end === url.length || url.charCodeAt(end) === 63 /* ? */) return true;
    }
  }
  return false;
}

const isOperational = (url: string, start: number) => isOneOf(operationalPaths, url, start);

export class FrontDoor {
  private readonly tokens: Ledgers<number> | null;
  private readonly addresses: Ledgers<string> | null;
  /** Whose token it is matters only to the log line and the limits. */
  private readonly identifies: boolean;

  constructor(private readonly opts: FrontDoorOptions) {
    const limits = opts.limits;
    this.tokens = limits && new Ledgers({ perHour: limits.tokenRequestsPerHour, perMinute: limits.requestsPerMinute, concurrent: limits.concurrentRequests });
    this.addresses = limits && new Ledgers({ perHour: limits.anonymousRequestsPerHour, perMinute: limits.requestsPerMinute, concurrent: limits.concurrentRequests });
    this.identifies = opts.logger !== null || limits !== null;
  }

  /** `inner` is the router; `shortcut`, if any, may answer first (see remembered-answers.ts). */
  wrap(inner: Handler, shortcut?: Shortcut | null): Handler {
    return (request) => this.serve(inner, shortcut ?? null, request);
  }

  /** Synchronous whenever the answer is: a remembered answer never waits on a promise. */
  private serve(inner: Handler, shortcut: Shortcut | null, request: Request): Response | Promise<Response> {
    const { limits } = this.opts;
    const visit: Visit = {
      id: requestIdFor(request.headers.get("x-request-id")),
      route: null,
      login: null,
      request,
      startedAt: performance.now(),
      operational: false,
      rejection: null,
      ledgers: null,
      ledger: null,
      chargedWindow: 0,
      settled: true,
    };
    this.opts.metrics.inFlight++;
    try {
      const url = request.url;
      const operational = (visit.operational = isOperational(url, targetStart(url)));
      const oversize = limits ? oversizeRequest(request, limits.maxUrlBytes, limits.maxHeaderBytes) : null;
      if (oversize) {
        visit.rejection = oversize.status === 414 ? "url_too_long" : "headers_too_large";
        return this.finish(visit, errorResponse(oversize));
      }
      const authentication = this.identifies && !operational
        ? decideAuthentication(this.opts.store, request.headers.get("authorization"), this.opts.now())
        : undefined;
      const holder = authentication === undefined || authentication instanceof ApiError ? null : authentication;
      if (holder) visit.login = holder.login;
      if (limits && !operational && !isOneOf(uncharged, url, targetStart(url))) {
        const refused = this.admit(visit, holder);
        if (refused) return this.finish(visit, errorResponse(refused));
      }
      const remembered = shortcut && shortcut(request, authentication);
      if (remembered) {
        visit.route = remembered.route;
        return this.finish(visit, remembered.response);
      }
      // The router notes the route on the record, and its auth chain takes the front door's word.
      keepRecord(request, visit);
      if (authentication !== undefined) rememberAuthentication(request, authentication);
      const result = inner(request);
      if (!(result instanceof Promise)) return this.finish(visit, result);
      return this.awaitAnswer(visit, result);
    } catch (error) {
      return this.failed(visit, error);
    }
  }

  /** A client's hourly budget, read without charging it; null when there is no hourly limit. */
  readonly budgetOf = (holder: TokenHolder | null, request: Request): RateBudget | null => {
    const ledgers = holder ? this.tokens : this.addresses;
    const limit = ledgers?.limits.perHour ?? 0;
    if (!ledgers || limit <= 0) return null;
    const now = this.opts.now();
    const ledger = holder ? this.tokens!.peek(holder.tokenId) : this.addresses!.peek(addressKey(this.opts.clientAddress(request)));
    const open = ledger !== undefined && now < ledger.hourEndsAt;
    const used = open ? ledger.hourUsed : 0;
    return { limit, used, remaining: Math.max(0, limit - used), reset: Math.ceil((open ? ledger.hourEndsAt : now + 3_600_000) / 1000) };
  };

  /** Charge the request to its client's ledger, or the refusal when the client is over a limit. */
  private admit(visit: Visit, holder: TokenHolder | null): ApiError | null {
    const now = this.opts.now();
    let key = "";
    let ledgers: Ledgers<number> | Ledgers<string>;
    let ledger: Ledger;
    if (holder) {
      ledgers = this.tokens!;
      ledger = this.tokens!.ledger(holder.tokenId, now);
    } else {
      key = addressKey(this.opts.clientAddress(visit.request));
      ledgers = this.addresses!;
      ledger = this.addresses!.ledger(key, now);
    }
    visit.ledgers = ledgers;
    visit.ledger = ledger;
    const refusal = ledgers.admit(ledger, now);
    if (refusal) {
      visit.rejection = refusal;
      const retryAfter = refusal === "burst" ? Math.ceil((ledger.minuteEndsAt - now) / 1000) : 1;
      return refusalError(refusal, holder ? { userId: holder.userId } : { addressKey: key }, visit.id, retryAfter);
    }
    visit.chargedWindow = ledger.hourEndsAt;
    visit.settled = false;
    return null;
  }

  private async awaitAnswer(visit: Visit, result: Promise<Response>): Promise<Response> {
    const limits = this.opts.limits;
    try {
      if (!limits || limits.requestTimeoutMs <= 0) return this.finish(visit, await result);
      const outcome = await withinDeadline(result, limits.requestTimeoutMs);
      if (outcome !== timedOut) return this.finish(visit, outcome);
      visit.rejection = "timeout";
      // The work goes on; its client's slot is freed when it ends, not now.
      const { ledgers: owner, ledger: charged, chargedWindow: window } = visit;
      if (!visit.settled && owner && charged) {
        visit.settled = true;
        result.then((r) => owner.settle(charged, r.status, window), () => owner.settle(charged, 500, window));
      } else result.catch(() => {});
      return this.finish(visit, errorResponse(timeoutError(limits.requestTimeoutMs)));
    } catch (error) {
      return this.failed(visit, error);
    }
  }

  private failed(visit: Visit, error: unknown): Response {
    this.opts.logger?.log("internal_error", { request_id: visit.id, route: visit.route, error: String((error as Error)?.stack ?? error) });
    return this.finish(visit, errorResponse(new ApiError("internal", "Internal error")));
  }

  /** The answer is known: settle the ledger, add the headers, count, time and log it. */
  private finish(visit: Visit, answer: Response): Response {
    const { metrics, logger } = this.opts;
    const { ledgers, ledger, rejection } = visit;
    if (!visit.settled && ledgers && ledger) {
      visit.settled = true;
      ledgers.settle(ledger, answer.status, visit.chargedWindow);
    }
    const response = this.withHeaders(answer, visit.id, ledgers, ledger);
    const seconds = (performance.now() - visit.startedAt) / 1000;
    metrics.inFlight--;
    metrics.observe(visit.route ?? unmatchedRoute, response.status, seconds);
    if (rejection) metrics.rejected(rejection);
    if (logger) {
      const level: LogLevel = response.status >= 500 ? "warn" : visit.operational ? "debug" : "info";
      if (logger.wants(level)) {
        logger.request(level, visit.request.method, visit.route, response.status, Math.round(seconds * 1e6) / 1000, visit.id, visit.login, rejection);
      }
    }
    return response;
  }

  private withHeaders(response: Response, requestId: string, ledgers: Ledgers<number> | Ledgers<string> | null, ledger: Ledger | null): Response {
    let headers = response.headers;
    try {
      headers.set("x-request-id", requestId);
    } catch {
      // Immutable headers (a Response made by fetch()): answer with a copy.
      response = new Response(response.body, response);
      headers = response.headers;
      headers.set("x-request-id", requestId);
    }
    const perHour = ledgers?.limits.perHour ?? 0;
    if (ledger && perHour > 0) {
      headers.set("x-ratelimit-limit", String(perHour));
      headers.set("x-ratelimit-remaining", String(Math.max(0, perHour - ledger.hourUsed)));
      headers.set("x-ratelimit-used", String(ledger.hourUsed));
      headers.set("x-ratelimit-reset", String(Math.ceil(ledger.hourEndsAt / 1000)));
      headers.set("x-ratelimit-resource", "core");
    }
    return response;
  }
}
