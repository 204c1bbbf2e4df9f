// A remembered answer, served ahead of the router. Pollers (`gh run watch` asks for a run and
// its jobs every few seconds) mostly ask again for what they were just told, so the path an
// unchanged answer takes should be short: the data version, the URL in the answer cache,
// the same auth chain the route runs (token, scope, ActionRepoRead), then the stored bytes
// or a 304. Anything else (a miss, another method, a token the chain would refuse) goes to
// the router, which answers exactly as it would have without this shortcut.
import { resolveAccess } from "../auth/access.ts";
import type { Store } from "../store/index.ts";
import { requestUrl } from "./context.ts";
import { matchesIfNoneMatch, varyOn } from "./etag.ts";
import type { ResponseCache } from "./response-cache.ts";
import { jsonType } from "./respond.ts";

export interface Shortcut {
  /** The response and the route pattern it stands for, or null to let the router answer. */
  (request: Request): { response: Response; route: string } | null;
}

export function rememberedAnswers(store: Store, cache: ResponseCache, now: () => number): Shortcut {
  const dataVersion = store.dataVersion;
  if (!dataVersion) return () => null;
  return (request) => {
    if (request.method !== "GET") return null;
    const hit = cache.get(requestUrl(request), dataVersion());
    if (hit === undefined) return null;
    let scopes: string;
    try {
      scopes = resolveAccess(store, request, hit.owner, hit.repo, hit.scope, now()).user.scopes.join(", ");
    } catch {
      // Refused: the router gives the refusal, with exactly the headers and body it always does.
      return null;
    }
    const response = matchesIfNoneMatch(request.headers.get("if-none-match"), hit.etag)
      ? new Response(null, { status: 304, headers: { etag: hit.etag, vary: varyOn, ...hit.headers, "x-oauth-scopes": scopes } })
      : new Response(hit.body, { status: 200, headers: { "content-type": jsonType, etag: hit.etag, vary: varyOn, ...hit.headers, "x-oauth-scopes": scopes } });
    return { response, route: hit.route };
  };
}
