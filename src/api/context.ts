// What the route modules need from the process: the query layer, a clock, where the
// service is reached from outside. Passing it in keeps the routes free of globals, so
// tests and every runtime build the same app.
import type { Store } from "../store/index.ts";

export interface ApiContext {
  store: Store;
  now(): number;
  /** Base for absolute URLs (Link, url, html_url): configured, or else the request's own origin. */
  publicUrl?: string;
}

const originalOrigins = new WeakMap<Request, string>();

/** The router saw this request under another host name (see app.ts); its URLs keep the real one. */
export function rememberOrigin(request: Request, origin: string): void {
  originalOrigins.set(request, origin);
}

/** The URL as the client sent it (the host included), whatever host the router saw. */
export function requestUrl(request: Request): string {
  const origin = originalOrigins.get(request);
  if (origin === undefined) return request.url;
  const url = request.url;
  return origin + url.slice(url.indexOf("/", url.indexOf("//") + 2));
}

export function baseUrl(ctx: ApiContext, request: Request): string {
  return ctx.publicUrl ?? originalOrigins.get(request) ?? new URL(request.url).origin;
}

/** Headers for a paginated listing: X-Total-Count always, Link when there is more than one page. */
export function listingHeaders(set: { headers: Record<string, unknown> }, total: number, link: string | null): void {
  set.headers["x-total-count"] = String(total);
  if (link) set.headers["link"] = link;
}
