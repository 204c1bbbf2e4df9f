// Conditional GET for every JSON answer: a 200 carries an ETag over its body (and the
// Link and X-Total-Count that go with it), and a request whose If-None-Match names that
// tag gets 304 with no body. Pollers such as `gh run watch` then cost a hash, not a transfer.
import { Elysia } from "elysia";
import { grantOf } from "../auth/plugin.ts";
import { requestUrl } from "./context.ts";
import { acceptsGzip, gzipFromBytes, portableCodec } from "./encoding.ts";
import type { Codec } from "./encoding.ts";
import type { ResponseCache } from "./response-cache.ts";
import { JsonText } from "./json-text.ts";
import { jsonType } from "./respond.ts";

/** Headers that are part of what a listing says, besides its body. */
const describedBy = ["link", "x-total-count"] as const;

export function entityTag(bytes: Uint8Array, headers: Record<string, unknown>, digest: Codec["digest"]): string {
  let tag = digest(bytes);
  let described = "";
  for (const name of describedBy) if (typeof headers[name] === "string") described += `\n${name}:${headers[name]}`;
  if (described !== "") tag = digest(tag + described);
  // Weak: the same JSON travels gzip-encoded or not (see encoding.ts).
  return `W/"${tag}"`;
}

/** If-None-Match (a list of tags, `W/` or not, or `*`) against our tag, compared weakly. */
export function matchesIfNoneMatch(header: string | null, tag: string): boolean {
  if (header === null) return false;
  if (header === tag) return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  const ours = opaque(tag);
  return header.split(",").some((t) => t.trim() === "*" || opaque(t) === ours);
}

export interface ConditionalRequestOptions {
  /** Where serialized answers of the API routes are remembered (read by remembered-answers.ts). */
  cache?: ResponseCache;
  /** The data version the current request began at (the store's); without one nothing is remembered. */
  dataVersion?: () => number;
  /** The ETag digest and gzip (default: the portable codec). */
  codec?: Codec;
}

const utf8 = new TextEncoder();

/**
 * A 200 for one token is no answer for another: shared caches must key on Authorization;
 * and large answers are gzip-encoded for clients that accept it.
 */
export const varyOn = "Accept, Accept-Encoding, Authorization";

export function conditionalRequests(opts: ConditionalRequestOptions = {}) {
  const { cache, dataVersion, codec = portableCodec } = opts;
  return new Elysia({ name: "conditional-requests" })
    .mapResponse({ as: "global" }, ({ responseValue, set, request, route }) => {
      // Only JSON values the handlers returned: errors and files arrive here already as Responses.
      if (responseValue instanceof Response || responseValue === null || typeof responseValue !== "object") return;
      if (set.status !== undefined && set.status !== 200) return;
      const bytes = utf8.encode(responseValue instanceof JsonText ? responseValue.text : JSON.stringify(responseValue));
      const tag = entityTag(bytes, set.headers, codec.digest);
      const notModified = matchesIfNoneMatch(request.headers.get("if-none-match"), tag);
      // Encoded only for an answer that travels; a remembered one is encoded when first asked for.
      const gzipped = !notModified && bytes.byteLength >= gzipFromBytes && acceptsGzip(request.headers.get("accept-encoding")) ? codec.gzip(bytes) : undefined;
      // Only the API surfaces' answers, each filed with the access it needs, under the version
      // the request began at: an answer is never filed under data newer than it was read from.
      const grant = cache && dataVersion && request.method === "GET" ? grantOf(request) : undefined;
      if (grant) {
        const headers: Record<string, string> = {};
        for (const name of describedBy) if (typeof set.headers[name] === "string") headers[name] = set.headers[name] as string;
        cache!.put(requestUrl(request), {
          version: dataVersion!(), body: bytes, gzipped, etag: tag, headers, route, owner: grant.owner, repo: grant.repo, scope: grant.scope,
        });
      }
      set.headers["etag"] = tag;
      set.headers["vary"] = varyOn;
      if (notModified) return new Response(null, { status: 304 });
      if (gzipped) return new Response(gzipped, { status: 200, headers: { "content-type": jsonType, "content-encoding": "gzip" } });
      return new Response(bytes, { status: 200, headers: { "content-type": jsonType } });
    });
}
