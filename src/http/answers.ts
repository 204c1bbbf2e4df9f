// Every JSON answer of the API routes leaves through here: serialized once, tagged (ETag),
// answered 304 when the client's If-None-Match names the tag, gzip-encoded for clients that
// take it, and remembered while the data is unchanged, so that the next request for the same
// URL is answered ahead of the router.
//
// A remembered answer is filed under the data version its request began at (read once, by
// the pipeline, before anything of the request was read), and used only by requests that
// began at that same version: an answer never outlives the data it came from, and one
// computed across a commit is filed under the older version, where nobody asks for it again.
// Only answers that depend on nothing but the URL once access is granted are filed, each with
// the access it needs: before a remembered answer is given, the whole auth chain (token,
// scope, ActionRepoRead) runs for the request that asks.
import { ApiError } from "../errors.ts";
import { mayRead } from "../auth/access.ts";
import { hasScope } from "../auth/scopes.ts";
import type { Scope } from "../auth/scopes.ts";
import type { RequestContext } from "../api/request-context.ts";
import { SerializedJson } from "../api/serialized-json.ts";
import { describedBy, entityTag, ifNoneMatch, matchesIfNoneMatch, varyOn } from "./conditional.ts";
import { acceptsGzip, gzipFromBytes } from "./encoding.ts";
import type { Codec } from "./encoding.ts";
import { jsonType } from "./errors.ts";

interface Remembered {
  version: number;
  /** The JSON, encoded once: a string body would be encoded again for every answer. */
  body: Uint8Array<ArrayBuffer>;
  /** The same, gzip-encoded: made the first time a client that accepts gzip asks (large answers only). */
  gzipped?: Uint8Array<ArrayBuffer>;
  etag: string;
  /** Listing headers that belong to the body (Link, X-Total-Count). */
  headers: Record<string, string>;
  /** The route pattern that answered, for the log line and the metrics. */
  route: string;
  /** The repository the answer is about, as the URL names it, and the scope reading it needs. */
  owner: string;
  repo: string;
  scope: Scope;
  /** Response headers by the token's scope list (X-OAuth-Scopes differs): a Response copies the Headers it is given. */
  prepared?: Map<string, PreparedHeaders>;
}

interface PreparedHeaders {
  ok: Headers;
  okGzipped: Headers;
  notModified: Headers;
}

/** Least recently used first, within a byte budget. */
class RememberedAnswers {
  private readonly entries = new Map<string, Remembered>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  // The body, and room for its gzip copy (a tenth to a fifth of it), whether made yet or not:
  // an entry's size must not change while it is in the cache.
  private static sizeOf(key: string, a: Remembered): number {
    return key.length + a.body.byteLength * 1.25 + 200;
  }

  get(key: string, version: number): Remembered | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.version !== version) {
      this.drop(key);
      return undefined;
    }
    // Most recently used last: eviction takes from the front.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  put(key: string, answer: Remembered): void {
    const size = RememberedAnswers.sizeOf(key, answer);
    if (size > this.maxBytes / 4) return;
    this.drop(key);
    while (this.bytes + size > this.maxBytes && this.entries.size > 0) this.drop(this.entries.keys().next().value!);
    this.entries.set(key, answer);
    this.bytes += size;
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= RememberedAnswers.sizeOf(key, old);
      this.entries.delete(key);
    }
  }
}

const utf8 = new TextEncoder();

export class Answers {
  private readonly remembered: RememberedAnswers | null;

  /** `maxBytes` 0: nothing is remembered, every answer is computed. */
  constructor(private readonly codec: Codec, maxBytes: number) {
    this.remembered = maxBytes > 0 ? new RememberedAnswers(maxBytes) : null;
  }

  /**
   * The remembered answer to this request, or null to let the router compute one: a miss,
   * another method than GET, or a request the auth chain would refuse (the router then gives
   * the refusal, with exactly the headers and body it always does). Notes the route on `ctx`.
   */
  lookup(ctx: RequestContext): Response | null {
    if (this.remembered === null || ctx.dataVersion === null || ctx.request.method !== "GET") return null;
    // Access is decided before anything remembered is looked at, from the repository the path
    // names: a request that may not read it takes the same steps whether the repository
    // exists (and has answers remembered) or not, so its timing says nothing either way.
    const named = repositoryInPath(ctx.url, ctx.origin.length);
    if (named === null) return null;
    const user = ctx.authentication;
    if (user instanceof ApiError || !mayRead(ctx.store, user, named.owner, named.repo, "repo:read", ctx.dataVersion)) return null;
    const hit = this.remembered.get(ctx.url, ctx.dataVersion);
    if (hit === undefined || hit.owner !== named.owner || hit.repo !== named.repo || !hasScope(user.scopes, hit.scope)) return null;
    ctx.route = hit.route;
    const headers = preparedHeaders(hit, user.scopes.join(", "));
    const request = ctx.request;
    const match = ifNoneMatch(request.headers.get("if-none-match"), hit.etag);
    if (match !== null) {
      // `*` matches every answer: a client that sends it learns nothing it had, so it pays.
      ctx.notModifiedFromMemory = match === "tag";
      return new Response(null, { status: 304, headers: headers.notModified });
    }
    if (hit.body.byteLength >= gzipFromBytes && acceptsGzip(request.headers.get("accept-encoding"))) {
      hit.gzipped ??= this.codec.gzip(hit.body);
      return new Response(hit.gzipped, { status: 200, headers: headers.okGzipped });
    }
    return new Response(hit.body, { status: 200, headers: headers.ok });
  }

  /**
   * The answer for a JSON value a handler returned with status 200: its ETag and Vary go on
   * `set.headers`; the value is remembered when the request was granted access to a
   * repository's data by the auth chain (the API routes), under the request's data version.
   */
  answer(ctx: RequestContext, value: object, set: { headers: Record<string, unknown> }): Response {
    const request = ctx.request;
    const bytes = utf8.encode(value instanceof SerializedJson ? value.text : JSON.stringify(value));
    const tag = entityTag(bytes, set.headers, this.codec.digest);
    const notModified = matchesIfNoneMatch(request.headers.get("if-none-match"), tag);
    // Encoded only for an answer that travels; a remembered one is encoded when first asked for.
    const gzipped = !notModified && bytes.byteLength >= gzipFromBytes && acceptsGzip(request.headers.get("accept-encoding"))
      ? this.codec.gzip(bytes)
      : undefined;
    const grant = ctx.grant;
    if (this.remembered !== null && grant !== null && ctx.dataVersion !== null && request.method === "GET" && ctx.route !== null) {
      const headers: Record<string, string> = {};
      for (const name of describedBy) if (typeof set.headers[name] === "string") headers[name] = set.headers[name] as string;
      this.remembered.put(ctx.url, {
        version: ctx.dataVersion, body: bytes, gzipped, etag: tag, headers, route: ctx.route, owner: grant.owner, repo: grant.repo, scope: grant.scope,
      });
    }
    set.headers["etag"] = tag;
    set.headers["vary"] = varyOn;
    if (notModified) return new Response(null, { status: 304 });
    if (gzipped) return new Response(gzipped, { status: 200, headers: { "content-type": jsonType, "content-encoding": "gzip" } });
    return new Response(bytes, { status: 200, headers: { "content-type": jsonType } });
  }
}

const repositoryPrefixes = ["/repos/", "/api/v1/repos/", "/api/v3/repos/"];

/** Owner and repository as the router decodes them from `…/repos/{owner}/{repo}/…`; null for any other path. */
function repositoryInPath(url: string, pathStart: number): { owner: string; repo: string } | null {
  for (const prefix of repositoryPrefixes) {
    if (!url.startsWith(prefix, pathStart)) continue;
    const ownerStart = pathStart + prefix.length;
    const ownerEnd = url.indexOf("/", ownerStart);
    if (ownerEnd === -1) return null;
    const repoEnd = url.indexOf("/", ownerEnd + 1);
    if (repoEnd === -1) return null;
    const owner = segment(url.slice(ownerStart, ownerEnd));
    const repo = segment(url.slice(ownerEnd + 1, repoEnd));
    return owner === null || repo === null ? null : { owner, repo };
  }
  return null;
}

function segment(raw: string): string | null {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function preparedHeaders(hit: Remembered, scopes: string): PreparedHeaders {
  hit.prepared ??= new Map();
  let headers = hit.prepared.get(scopes);
  if (headers === undefined) {
    const common = { etag: hit.etag, vary: varyOn, ...hit.headers, "x-oauth-scopes": scopes };
    headers = {
      ok: new Headers({ "content-type": jsonType, ...common }),
      okGzipped: new Headers({ "content-type": jsonType, "content-encoding": "gzip", ...common }),
      notModified: new Headers(common),
    };
    hit.prepared.set(scopes, headers);
  }
  return headers;
}
