// Every JSON answer of the API routes leaves through here: serialized once, tagged (ETag),
// answered 304 when the client's If-None-Match names the tag, gzip-encoded for clients that
// take it, and remembered while its repository's data is unchanged, so that the next request
// for the same URL is answered ahead of the router.
//
// A remembered answer is filed with its repository's count of writes and the generation of
// changes to every repository (src/store/changes.ts), both as read when its request began,
// before anything of the request was read; it is given only while both still read the same.
// A commit to one repository's runs, jobs, steps, artifacts or workflows so drops that
// repository's answers and no other's. Only answers that depend on nothing but the URL once
// access is granted are filed, each with the access it needs: before a remembered answer is
// given, the whole auth chain (token, scope, ActionRepoRead) runs for the request that asks,
// on the facts as of that request's own data version.
//
// What an entry costs is counted as it lies in memory: a large answer is kept gzip-encoded
// only (a tenth to a twentieth of its JSON) and decoded for the rare client that does not take
// gzip; the headers prepared for it are counted too.
import { ApiError } from "../errors.ts";
import { mayRead } from "../auth/access.ts";
import { hasScope } from "../auth/scopes.ts";
import type { Scope } from "../auth/scopes.ts";
import type { RequestContext } from "../api/request-context.ts";
import { SerializedJson } from "../api/serialized-json.ts";
import type { PlanStep } from "../api/serialized-json.ts";
import type { Freshness } from "../store/index.ts";
import { describedBy, entityTag, ifNoneMatch, matchesIfNoneMatch, varyOn } from "./conditional.ts";
import { acceptsGzip, gzipFromBytes, gzipLevel, portableCodec } from "./encoding.ts";
import { PlanWriter, plannedGzipFromBytes } from "./json-plan.ts";
import type { Codec } from "./encoding.ts";
import { handedOver } from "./route-headers.ts";
import { jsonType } from "./errors.ts";

interface Remembered {
  /** The changes to every repository, and to this one, when the request that computed it began. */
  generation: number;
  repoId: number;
  repoWrites: number;
  /** Given no longer from this time on (ms): what the answer says changes with the clock. */
  until: number;
  /** The JSON, encoded once, when small: a string body would be encoded again for every answer. */
  body: Uint8Array<ArrayBuffer> | null;
  /** The JSON gzip-encoded, when large (then the only copy kept). */
  gzipped: Uint8Array<ArrayBuffer> | null;
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

/**
 * An entry's response headers for one scope list, each kind made the first time it is sent:
 * a Headers holds about 700 bytes (18,000 of them took 12.5 MB), and most entries are only
 * ever sent one way (gzip-encoded, or as a 304 to a poll).
 */
class PreparedHeaders {
  private okHeaders: Headers | null = null;
  private okGzippedHeaders: Headers | null = null;
  private notModifiedHeaders: Headers | null = null;

  constructor(private readonly common: Record<string, string>) {}

  get ok(): Headers {
    return (this.okHeaders ??= new Headers({ "content-type": jsonType, ...this.common }));
  }

  get okGzipped(): Headers {
    return (this.okGzippedHeaders ??= new Headers({ "content-type": jsonType, "content-encoding": "gzip", ...this.common }));
  }

  get notModified(): Headers {
    return (this.notModifiedHeaders ??= new Headers(this.common));
  }
}

/**
 * What an entry holds besides its body: the entry object, its key in the map, and the Headers
 * prepared for one scope list. With it, the mixed workload's 5,924 answers were counted at
 * 88.4 MiB (gzip level 1), where the JS heap grew by 84.8 MiB holding them (bun:jsc heapStats,
 * after a full collection): the count errs on the side of the budget.
 */
export const entryOverheadBytes = 2048;
/** Each further scope list an entry is asked with prepares up to three more Headers. */
const preparedHeadersBytes = 1024;

/** Least recently used first, within a byte budget. */
class RememberedAnswers {
  private readonly entries = new Map<string, Remembered>();
  private bytes = 0;
  /** Bytes dropped since the collector was last asked for a full collection. */
  private dropped = 0;

  constructor(private readonly maxBytes: number, private readonly collectGarbage: (() => void) | undefined) {}

  /** What the entry costs in memory; it changes only when headers are prepared for another scope list (see `grew`). */
  private static sizeOf(key: string, a: Remembered): number {
    return key.length * 2 + (a.body?.byteLength ?? 0) + (a.gzipped?.byteLength ?? 0) + entryOverheadBytes
      + Math.max(0, (a.prepared?.size ?? 1) - 1) * preparedHeadersBytes;
  }

  get(key: string, fresh: Freshness, now: number): Remembered | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.generation !== fresh.generation || hit.repoWrites !== fresh.repository(hit.repoId) || now >= hit.until) {
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
    this.entries.set(key, answer);
    this.bytes += size;
    this.evict();
  }

  /** An entry prepared headers for one more scope list: `before` is what it cost until then. */
  grew(key: string, answer: Remembered, before: number): void {
    if (this.entries.get(key) !== answer) return;
    this.bytes += RememberedAnswers.sizeOf(key, answer) - before;
    this.evict();
  }

  costOf(key: string, answer: Remembered): number {
    return RememberedAnswers.sizeOf(key, answer);
  }

  /** Bytes counted and entries held, for the tests and /metrics. */
  get usage(): { bytes: number; entries: number } {
    return { bytes: this.bytes, entries: this.entries.size };
  }

  private evict(): void {
    while (this.bytes > this.maxBytes && this.entries.size > 0) this.drop(this.entries.keys().next().value!);
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (old) {
      const size = RememberedAnswers.sizeOf(key, old);
      this.bytes -= size;
      this.entries.delete(key);
      // Half the budget turned into garbage: have it collected before it piles up past the budget.
      this.dropped += size;
      if (this.dropped >= this.maxBytes / 2 && this.collectGarbage) {
        this.dropped = 0;
        this.collectGarbage();
      }
    }
  }
}

export class Answers {
  private readonly remembered: RememberedAnswers | null;
  /** The changes as the last request to begin read them. */
  private fresh: Freshness | null = null;
  private readonly gunzip: (bytes: Uint8Array) => Uint8Array<ArrayBuffer>;

  /** `maxBytes` 0: nothing is remembered, every answer is computed. */
  constructor(private readonly codec: Codec, maxBytes: number, collectGarbage?: () => void) {
    this.remembered = maxBytes > 0 ? new RememberedAnswers(maxBytes, collectGarbage) : null;
    this.gunzip = codec.gunzip ?? portableCodec.gunzip!;
  }

  private readonly writer = new PlanWriter();

  /** Bytes counted and entries held by the remembered answers. */
  get usage(): { bytes: number; entries: number } {
    return this.remembered?.usage ?? { bytes: 0, entries: 0 };
  }

  /**
   * The remembered answer to this request, or null to let the router compute one: a miss,
   * another method than GET, or a request the auth chain would refuse (the router then gives
   * the refusal, with exactly the headers and body it always does). Notes the route on `ctx`.
   * Called for every request as it begins, before anything else of it is read.
   */
  lookup(ctx: RequestContext): Response | null {
    if (this.remembered === null || ctx.dataVersion === null) return null;
    const fresh = (this.fresh = ctx.store.changes(ctx.dataVersion));
    if (fresh === null || ctx.request.method !== "GET") return null;
    // Access is decided before anything remembered is looked at, from the repository the path
    // names: a request that may not read it takes the same steps whether the repository
    // exists (and has answers remembered) or not, so its timing says nothing either way.
    const named = repositoryInPath(ctx.url, ctx.origin.length);
    if (named === null) return null;
    const user = ctx.authentication;
    if (user instanceof ApiError || !mayRead(ctx.store, user, named.owner, named.repo, "repo:read", fresh.facts)) return null;
    const key = ctx.answerKey;
    const hit = this.remembered.get(key, fresh, ctx.now);
    if (hit === undefined || hit.owner !== named.owner || hit.repo !== named.repo || !hasScope(user.scopes, hit.scope)) return null;
    ctx.route = hit.route;
    const headers = this.preparedHeaders(key, hit, user.scopes.join(", "));
    const request = ctx.request;
    const match = ifNoneMatch(request.headers.get("if-none-match"), hit.etag);
    if (match !== null) {
      // `*` matches every answer: a client that sends it learns nothing it had, so it pays.
      ctx.notModifiedFromMemory = match === "tag";
      return new Response(null, { status: 304, headers: headers.notModified });
    }
    if (hit.gzipped !== null) {
      if (acceptsGzip(request.headers.get("accept-encoding"))) return new Response(hit.gzipped, { status: 200, headers: headers.okGzipped });
      return new Response(this.gunzip(hit.gzipped), { status: 200, headers: headers.ok });
    }
    return new Response(hit.body, { status: 200, headers: headers.ok });
  }

  /**
   * The answer for a JSON value a handler returned with status 200: its ETag and Vary go on
   * `set.headers`; the value is remembered when the request was granted access to a
   * repository's data by the auth chain (the API routes), with the changes read as it began.
   */
  answer(ctx: RequestContext, value: object, set: { headers: Record<string, unknown> }): Response {
    const request = ctx.request;
    // A writer's steps mark what repeats; any other value is one new text.
    const written = value instanceof SerializedJson;
    const plan = written ? value.plan : [JSON.stringify(value)];
    const bytes = this.writer.write(plan);
    const tag = entityTag(bytes, set.headers, this.codec.digest);
    const notModified = matchesIfNoneMatch(request.headers.get("if-none-match"), tag);
    const large = bytes.byteLength >= gzipFromBytes;
    // A small answer travels as it is: one copy out of the writer's buffer, sent and kept.
    const plain = large ? null : bytes.slice();
    const grant = ctx.grant;
    const fresh = this.fresh;
    // Remembered only with the changes as this request's data version read them: a request that
    // waited across a newer one is not filed (its data may be older than what it would be filed with).
    const remember = this.remembered !== null && grant !== null && fresh !== null && fresh.version === ctx.dataVersion
      && request.method === "GET" && ctx.route !== null;
    // One encoding per answer: made for a client that takes it, or for the cache, which keeps a large answer only encoded.
    const gzipped = large && (remember || (!notModified && acceptsGzip(request.headers.get("accept-encoding"))))
      ? this.gzip(written ? plan : null, bytes, remember)
      : null;
    if (remember) {
      const headers: Record<string, string> = {};
      for (const name of describedBy) if (typeof set.headers[name] === "string") headers[name] = set.headers[name] as string;
      this.remembered!.put(ctx.answerKey, {
        generation: fresh!.generation, repoId: grant!.access.repo.id, repoWrites: fresh!.repository(grant!.access.repo.id), until: ctx.trueUntil,
        body: plain, gzipped, etag: tag, headers, route: ctx.route!, owner: grant!.owner, repo: grant!.repo, scope: grant!.scope,
      });
    }
    set.headers["etag"] = tag;
    set.headers["vary"] = varyOn;
    if (notModified) return new Response(null, { status: 304, headers: handedOver(set, {}) });
    if (gzipped && acceptsGzip(request.headers.get("accept-encoding"))) {
      return new Response(gzipped, { status: 200, headers: handedOver(set, { "content-type": jsonType, "content-encoding": "gzip" }) });
    }
    return new Response(plain ?? bytes.slice(), { status: 200, headers: handedOver(set, { "content-type": jsonType }) });
  }

  /**
   * One answer sent and forgotten: from a writer's steps (json-plan.ts) when it is large (a
   * runs page) or carries a repository or an actor (a run), and the codec has a CRC-32, else
   * zlib's fastest level. One also remembered: zlib's level 6, for the memory it saves.
   */
  private gzip(plan: readonly PlanStep[] | null, bytes: Uint8Array, remember: boolean): Uint8Array<ArrayBuffer> {
    const codec = this.codec;
    const blocks = codec.deflateBlocks !== undefined && this.writer.holdsBlocks;
    if (!remember && plan !== null && (bytes.byteLength >= plannedGzipFromBytes || blocks) && codec.crc32) {
      const planned = this.writer.gzip(plan, codec.crc32, codec.deflateBlocks);
      if (planned !== null) return planned;
    }
    return this.codec.gzip(bytes, remember ? gzipLevel.remembered : gzipLevel.sent);
  }

  private preparedHeaders(key: string, hit: Remembered, scopes: string): PreparedHeaders {
    hit.prepared ??= new Map();
    let headers = hit.prepared.get(scopes);
    if (headers === undefined) {
      const before = this.remembered!.costOf(key, hit);
      headers = new PreparedHeaders({ etag: hit.etag, vary: varyOn, ...hit.headers, "x-oauth-scopes": scopes });
      hit.prepared.set(scopes, headers);
      this.remembered!.grew(key, hit, before);
    }
    return headers;
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
