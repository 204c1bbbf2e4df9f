// What the route modules need from the process beyond each request's context: where the
// service is reached from outside. Passing it in keeps the routes free of globals, so tests
// and every runtime build the same app.
import type { RequestContext } from "./request-context.ts";

export interface ApiSettings {
  /** Base for absolute URLs (Link, url, html_url): configured, or else the request's own origin. */
  publicUrl?: string;
}

export function baseUrl(settings: ApiSettings, ctx: RequestContext): string {
  return settings.publicUrl ?? ctx.origin;
}
