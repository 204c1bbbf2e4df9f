// Conditional GET for every JSON answer: a 200 carries an ETag over its body (and the
// Link and X-Total-Count that go with it), and a request whose If-None-Match names that
// tag gets 304 with no body. Pollers such as `gh run watch` then cost a hash, not a transfer.
import { createHash } from "node:crypto";
import { Elysia } from "elysia";
import type { ResponseCache } from "./response-cache.ts";
import { jsonType } from "./respond.ts";

/** Headers that are part of what a listing says, besides its body. */
const describedBy = ["link", "x-total-count"] as const;

export function entityTag(body: string, headers: Record<string, unknown>): string {
  const hash = createHash("sha1").update(body);
  for (const name of describedBy) if (typeof headers[name] === "string") hash.update(`\n${name}:${headers[name]}`);
  // Weak: the same JSON may travel gzip-encoded or not.
  return `W/"${hash.digest("hex")}"`;
}

/** If-None-Match (a list of tags, `W/` or not, or `*`) against our tag, compared weakly. */
export function matchesIfNoneMatch(header: string | null, tag: string): boolean {
  if (header === null) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  const ours = opaque(tag);
  return header.split(",").some((t) => t.trim() === "*" || opaque(t) === ours);
}

export interface ConditionalRequestOptions {
  /** Remember serialized answers of the API routes while `dataVersion` is unchanged. */
  cache?: ResponseCache;
  /** The store's change signal; without one nothing is remembered. */
  dataVersion?: () => number;
}

const vary = "Accept, Authorization";
/** Only the API surfaces' answers are cached (not /healthz, /readyz or /metrics). */
const cacheable = /\/repos\//;

function answer(request: Request, body: string, tag: string, headers: Record<string, string>): Response {
  if (matchesIfNoneMatch(request.headers.get("if-none-match"), tag)) {
    return new Response(null, { status: 304, headers: { etag: tag, vary } });
  }
  return new Response(body, { status: 200, headers: { ...headers, "content-type": jsonType, etag: tag, vary } });
}

export function conditionalRequests(opts: ConditionalRequestOptions = {}) {
  const { cache, dataVersion } = opts;
  // The version each request started at: an answer is filed under the data it was read from.
  const startedAt = new WeakMap<Request, number>();
  return new Elysia({ name: "conditional-requests" })
    .onBeforeHandle({ as: "global" }, ({ request }) => {
      if (!cache || !dataVersion || !cacheable.test(request.url)) return;
      const version = dataVersion();
      const hit = cache.get(request.url, version);
      if (hit) return answer(request, hit.body, hit.etag, hit.headers);
      startedAt.set(request, version);
    })
    .mapResponse({ as: "global" }, ({ responseValue, set, request }) => {
      // Only JSON values the handlers returned: errors, files and cache hits arrive here already as Responses.
      if (responseValue instanceof Response || responseValue === null || typeof responseValue !== "object") return;
      if (set.status !== undefined && set.status !== 200) return;
      const body = JSON.stringify(responseValue);
      const tag = entityTag(body, set.headers);
      const version = startedAt.get(request);
      if (cache && version !== undefined) {
        const headers: Record<string, string> = {};
        for (const name of describedBy) if (typeof set.headers[name] === "string") headers[name] = set.headers[name] as string;
        cache.put(request.url, { version, body, etag: tag, headers });
      }
      // A 200 for one token is no answer for another: shared caches must key on Authorization.
      set.headers["etag"] = tag;
      set.headers["vary"] = vary;
      return answer(request, body, tag, {});
    });
}
