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
import type { Store } from "../store/index.ts";
import type { HttpMetrics, RejectionReason } from "./http-metrics.ts";
import { unmatchedRoute } from "./http-metrics.ts";
import type { Logger, LogLevel } from "./logger.ts";
import { keepRecord } from "./request-record.ts";
import type { RequestRecord } from "./request-record.ts";
import { requestIdFor } from "./request-id.ts";
import { tokenHolder } from "./token-identities.ts";

export type Handler = (request: Request) => Response | Promise<Response>;

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

function isOperational(url: string, start: number): boolean {
  for (const path of operationalPaths) {
    if (url.startsWith(path, start)) {
      const end = start + path.length;
      if (end === url.length || url.charCodeAt(end) === 63 /* ? */) return true;
    }
  }
  return false;
}

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

  wrap(inner: Handler): (request: Request) => Promise<Response> {
    return (request) => this.serve(inner, request);
  }

  private async serve(inner: Handler, request: Request): Promise<Response> {
    const { metrics, limits, logger } = this.opts;
    const startedAt = performance.now();
    const record: RequestRecord = { id: requestIdFor(request.headers.get("x-request-id")), route: null, login: null };
    keepRecord(request, record);
    metrics.inFlight++;

    let response: Response;
    let rejection: RejectionReason | null = null;
    let ledgers: Ledgers<number> | Ledgers<string> | null = null;
    let ledger: Ledger | null = null;
    let chargedWindow = 0;
    let settled = true;
    const url = request.url;
    const operational = isOperational(url, targetStart(url));
    try {
      const oversize = limits ? oversizeRequest(request, limits.maxUrlBytes, limits.maxHeaderBytes) : null;
      if (oversize) {
        rejection = oversize.status === 414 ? "url_too_long" : "headers_too_large";
        response = errorResponse(oversize);
      } else {
        const holder = this.identifies && !operational ? tokenHolder(this.opts.store, request.headers.get("authorization"), this.opts.now()) : null;
        if (holder) record.login = holder.login;
        let refused: ApiError | null = null;
        if (limits && !operational) {
          const now = this.opts.now();
          let key = "";
          if (holder) {
            ledgers = this.tokens!;
            ledger = this.tokens!.ledger(holder.tokenId, now);
          } else {
            key = addressKey(this.opts.clientAddress(request));
            ledgers = this.addresses!;
            ledger = this.addresses!.ledger(key, now);
          }
          const refusal = ledgers.admit(ledger, now);
          if (refusal) {
            rejection = refusal;
            const retryAfter = refusal === "burst" ? Math.ceil((ledger.minuteEndsAt - now) / 1000) : 1;
            refused = refusalError(refusal, holder ? { userId: holder.userId } : { addressKey: key }, record.id, retryAfter);
          } else {
            chargedWindow = ledger.hourEndsAt;
            settled = false;
          }
        }
        if (refused) response = errorResponse(refused);
        else {
          const result = inner(request);
          if (!(result instanceof Promise)) response = result;
          else if (!limits || limits.requestTimeoutMs <= 0) response = await result;
          else {
            const outcome = await withinDeadline(result, limits.requestTimeoutMs);
            if (outcome !== timedOut) response = outcome;
            else {
              rejection = "timeout";
              response = errorResponse(timeoutError(limits.requestTimeoutMs));
              // The work goes on; its client's slot is freed when it ends, not now.
              const owner = ledgers;
              const charged = ledger;
              const window = chargedWindow;
              if (!settled && owner && charged) {
                settled = true;
                result.then((r) => owner.settle(charged, r.status, window), () => owner.settle(charged, 500, window));
              } else result.catch(() => {});
            }
          }
        }
      }
    } catch (error) {
      logger?.log("internal_error", { request_id: record.id, route: record.route, error: String((error as Error)?.stack ?? error) });
      response = errorResponse(new ApiError("internal", "Internal error"));
    }

    if (!settled && ledgers && ledger) ledgers.settle(ledger, response.status, chargedWindow);
    response = this.withHeaders(response, record.id, ledgers, ledger);

    const seconds = (performance.now() - startedAt) / 1000;
    metrics.inFlight--;
    metrics.observe(record.route ?? unmatchedRoute, response.status, seconds);
    if (rejection) metrics.rejected(rejection);
    if (logger) {
      const level: LogLevel = response.status >= 500 ? "warn" : operational ? "debug" : "info";
      if (logger.wants(level)) {
        logger.at(level, "request", {
          method: request.method,
          route: record.route,
          status: response.status,
          duration_ms: Math.round(seconds * 1e6) / 1000,
          request_id: record.id,
          login: record.login,
          limited: rejection ?? undefined,
        });
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
