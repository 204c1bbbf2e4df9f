// What the route modules need from the process: the query layer, a clock, where the
// service is reached from outside. Passing it in keeps the routes free of globals, so
// tests and every runtime build the same app.
import type { Store } from "../store/index.ts";

export interface ApiContext {
  store: Store;
  now(): number;
  /** Base for the API's absolute URLs (Link, url): configured, or else the request's own origin. */
  publicUrl?: string;
  /** Base of the forge's web pages, for every html_url; absent, the API's own base. */
  webUrl?: string;
  /** Behind a proxy that sets them: X-Forwarded-Proto and X-Forwarded-Host shape the request's origin. */
  trustProxy?: boolean;
  /** Where the forge's own Actions lifecycle routes (re-run, cancel, …) are, for the read-only refusal. */
  lifecycleUrl?: string;
}

const originalOrigins = new WeakMap<Request, string>();

/** The router saw this request under another host name (see app.ts); its URLs keep the real one. */
export function rememberOrigin(request: Request, origin: string): void {
  originalOrigins.set(request, origin);
}

/**
 * The URL as the client sent it (the host included), whatever host the router saw; with the
 * forwarded scheme and host it came with, if any: behind a trusted proxy they shape its URLs.
 */
export function requestUrl(request: Request): string {
  const origin = originalOrigins.get(request);
  const url = origin === undefined ? request.url : origin + request.url.slice(request.url.indexOf("/", request.url.indexOf("//") + 2));
  const proto = request.headers.get("x-forwarded-proto");
  const host = request.headers.get("x-forwarded-host");
  return proto === null && host === null ? url : `${url}#forwarded=${proto ?? ""};${host ?? ""}`;
}

// The first value of a forwarded list, if it is a plain scheme or host[:port] (nothing that
// could carry a path, a user or a second URL into the answers).
const forwardedProto = (value: string | null) => {
  const first = value?.split(",")[0]!.trim().toLowerCase();
  return first === "http" || first === "https" ? first : null;
};
const forwardedHost = (value: string | null) => {
  const first = value?.split(",")[0]!.trim();
  return first && /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/.test(first) ? first : null;
};

export function baseUrl(ctx: ApiContext, request: Request): string {
  if (ctx.publicUrl !== undefined) return ctx.publicUrl;
  const own = originalOrigins.get(request) ?? new URL(request.url).origin;
  if (!ctx.trustProxy) return own;
  const proto = forwardedProto(request.headers.get("x-forwarded-proto"));
  const host = forwardedHost(request.headers.get("x-forwarded-host"));
  if (proto === null && host === null) return own;
  const url = new URL(own);
  return `${proto ?? url.protocol.slice(0, -1)}://${host ?? url.host}`;
}

/** Headers for a paginated listing: X-Total-Count always, Link when there is more than one page. */
export function listingHeaders(set: { headers: Record<string, unknown> }, total: number, link: string | null): void {
  set.headers["x-total-count"] = String(total);
  if (link) set.headers["link"] = link;
}
