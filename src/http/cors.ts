// Cross-origin requests as GitHub's API answers them: any origin may call it (a list of
// origins narrows that), with a token in Authorization, never with cookies; a preflight is
// answered at once, without a token; and the headers a client reads off an answer (paging,
// ETag, the rate limit, the request id) are exposed to the page.

/** Request headers a page may send. */
const allowedHeaders = "Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, X-GitHub-Api-Version, X-Requested-With, X-Request-Id";
const allowedMethods = "GET, HEAD, POST, PATCH, PUT, DELETE";
/** Response headers a page may read. */
const exposedHeaders = [
  "ETag", "Link", "Location", "Retry-After", "X-Total-Count", "X-Request-Id",
  "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset", "X-RateLimit-Resource",
  "X-OAuth-Scopes", "X-Accepted-OAuth-Scopes", "X-GitHub-Media-Type",
].join(", ");
const maxAgeSeconds = "86400";

export interface CorsPolicy {
  /** The answer to a preflight (OPTIONS with Origin and Access-Control-Request-Method); null for any other request. */
  preflight(request: Request): Response | null;
  /** Adds the CORS headers this request's answer carries (none for a request without an allowed Origin). */
  decorate(request: Request, response: Response): Response;
}

function withHeaders(response: Response, change: (headers: Headers) => void): Response {
  try {
    change(response.headers);
    return response;
  } catch {
    // Immutable headers (a Response made by fetch()): answer with a copy.
    const copy = new Response(response.body, response);
    change(copy.headers);
    return copy;
  }
}

/** `origins`: null or empty for any origin; else the exact origins (`https://dash.example`) allowed. */
export function corsPolicy(origins: readonly string[] | null): CorsPolicy {
  const allowed = origins && origins.length > 0 ? new Set(origins.map((o) => o.replace(/\/+$/, "").toLowerCase())) : null;
  /**
   * The Access-Control-Allow-Origin value for this Origin, or null when it may not read
   * answers. Open to all, every answer says `*`, with or without an Origin, as GitHub's do.
   */
  const allowOrigin = (origin: string | null): string | null => {
    if (allowed === null) return "*";
    return origin !== null && allowed.has(origin.toLowerCase()) ? origin : null;
  };
  // With a list, the answer depends on Origin: caches must keep one per origin.
  const vary = (headers: Headers) => {
    if (allowed === null) return;
    const current = headers.get("vary");
    if (!current) headers.set("vary", "Origin");
    else if (!/(^|,)\s*origin\s*(,|$)/i.test(current)) headers.set("vary", `${current}, Origin`);
  };

  return {
    preflight(request) {
      if (request.method !== "OPTIONS") return null;
      const origin = request.headers.get("origin");
      if (origin === null || request.headers.get("access-control-request-method") === null) return null;
      const headers = new Headers();
      const value = allowOrigin(origin);
      if (value !== null) {
        headers.set("access-control-allow-origin", value);
        headers.set("access-control-allow-methods", allowedMethods);
        headers.set("access-control-allow-headers", allowedHeaders);
        headers.set("access-control-max-age", maxAgeSeconds);
      }
      vary(headers);
      return new Response(null, { status: 204, headers });
    },
    decorate(request, response) {
      const value = allowOrigin(request.headers.get("origin"));
      return withHeaders(response, (h) => {
        if (value !== null) {
          h.set("access-control-allow-origin", value);
          h.set("access-control-expose-headers", exposedHeaders);
        }
        vary(h);
      });
    },
  };
}
