// A remembered answer, served ahead of the router. Pollers (`gh run watch` asks for a run and
// its jobs every few seconds) mostly ask again for what they were just told, so the path an
// unchanged answer takes should be short: the data version, the URL in the answer cache,
// the same auth chain the route runs (token, scope, ActionRepoRead), then the stored bytes
// or a 304. Anything else (a miss, another method, a token the chain would refuse) goes to
// the router, which answers exactly as it would have without this shortcut.
import { ApiError } from "../errors.ts";
import { decideAuthentication, mayRead } from "../auth/access.ts";
import type { Authentication } from "../auth/access.ts";
import type { Store } from "../store/index.ts";
import { requestUrl } from "./context.ts";
import { acceptsGzip, gzipFromBytes } from "./encoding.ts";
import type { Codec } from "./encoding.ts";
import { matchesIfNoneMatch, varyOn } from "./etag.ts";
import type { CachedAnswer, ResponseCache } from "./response-cache.ts";
import { jsonType } from "./respond.ts";

export interface Shortcut {
  /**
   * The response and the route pattern it stands for, or null to let the router answer.
   * `authentication`: what the request's credentials come to, when the caller decided it already.
   */
  (request: Request, authentication?: Authentication): { response: Response; route: string } | null;
}

interface Prepared {
  ok: Headers;
  okGzipped: Headers;
  notModified: Headers;
}

export function rememberedAnswers(store: Store, cache: ResponseCache, now: () => number, codec: Codec): Shortcut {
  const dataVersion = store.dataVersion;
  if (!dataVersion) return () => null;
  // Each answer's headers, made once per token scope list (a Response copies the Headers it is given).
  const prepared = new WeakMap<CachedAnswer, Map<string, Prepared>>();
  const headersFor = (hit: CachedAnswer, scopes: string): Prepared => {
    let byScopes = prepared.get(hit);
    if (byScopes === undefined) prepared.set(hit, (byScopes = new Map()));
    let headers = byScopes.get(scopes);
    if (headers === undefined) {
      headers = {
        ok: new Headers({ "content-type": jsonType, etag: hit.etag, vary: varyOn, ...hit.headers, "x-oauth-scopes": scopes }),
        okGzipped: new Headers({ "content-type": jsonType, "content-encoding": "gzip", etag: hit.etag, vary: varyOn, ...hit.headers, "x-oauth-scopes": scopes }),
        notModified: new Headers({ etag: hit.etag, vary: varyOn, ...hit.headers, "x-oauth-scopes": scopes }),
      };
      byScopes.set(scopes, headers);
    }
    return headers;
  };
  return (request, authentication) => {
    if (request.method !== "GET") return null;
    const hit = cache.get(requestUrl(request), dataVersion());
    if (hit === undefined) return null;
    const user = authentication ?? decideAuthentication(store, request.headers.get("authorization"), now());
    // Refused: the router gives the refusal, with exactly the headers and body it always does.
    if (user instanceof ApiError || !mayRead(store, user, hit.owner, hit.repo, hit.scope)) return null;
    const headers = headersFor(hit, user.scopes.join(", "));
    let response: Response;
    if (matchesIfNoneMatch(request.headers.get("if-none-match"), hit.etag)) response = new Response(null, { status: 304, headers: headers.notModified });
    else if (hit.body.byteLength >= gzipFromBytes && acceptsGzip(request.headers.get("accept-encoding"))) {
      hit.gzipped ??= codec.gzip(hit.body);
      response = new Response(hit.gzipped, { status: 200, headers: headers.okGzipped });
    } else response = new Response(hit.body, { status: 200, headers: headers.ok });
    return { response, route: hit.route };
  };
}
