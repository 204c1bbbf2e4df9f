// What the route modules need from the process beyond each request's context: where the
// service is reached from outside, where the forge's pages are, and the budgets' reader.
// Passing it in keeps the routes free of globals, so tests and every runtime build the same app.
import type { RateBudget } from "../limits/budget.ts";
import type { TokenHolder } from "../store/index.ts";
import type { RequestContext } from "./request-context.ts";

export interface ApiSettings {
  /** Base for the API's absolute URLs (Link, url): configured, or else the request's own origin. */
  publicUrl?: string;
  /** Base of the forge's web pages, for every html_url; absent, the API's own base. */
  webUrl?: string;
  /** Behind a proxy that sets them: X-Forwarded-Proto and X-Forwarded-Host shape the request's origin. */
  trustProxy?: boolean;
  /** Where the forge's own Actions lifecycle routes (re-run, cancel, …) are, for the read-only refusal. */
  lifecycleUrl?: string;
  /** The hourly budget of a token's holder (null: of the request's client address), for GET /rate_limit; null without an hourly limit. */
  budgetOf?: (ctx: RequestContext, holder: TokenHolder | null) => RateBudget | null;
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

export function baseUrl(settings: ApiSettings, ctx: RequestContext): string {
  if (settings.publicUrl !== undefined) return settings.publicUrl;
  if (!settings.trustProxy) return ctx.origin;
  const headers = ctx.request.headers;
  const proto = forwardedProto(headers.get("x-forwarded-proto"));
  const host = forwardedHost(headers.get("x-forwarded-host"));
  if (proto === null && host === null) return ctx.origin;
  const url = new URL(ctx.origin);
  return `${proto ?? url.protocol.slice(0, -1)}://${host ?? url.host}`;
}
