// Serialized answers of the API routes, remembered while the database is unchanged. An
// entry records the data version it was computed at and is used only while the store
// still reports that version, so a cached answer never outlives the data it came from.
// Only answers that depend on nothing but the URL once access is granted are stored, and
// each records what access it needs: the auth chain runs on every request, hit or miss,
// before a remembered answer is given.
import type { Scope } from "../auth/scopes.ts";

export interface CachedAnswer {
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
}

export interface ResponseCache {
  get(key: string, version: number): CachedAnswer | undefined;
  put(key: string, answer: CachedAnswer): void;
}

export function responseCache(maxBytes: number): ResponseCache {
  const entries = new Map<string, CachedAnswer>();
  let bytes = 0;
  // The body, and room for its gzip copy (a tenth to a fifth of it), whether made yet or not:
  // an entry's size must not change while it is in the cache.
  const sizeOf = (key: string, a: CachedAnswer) => key.length + a.body.byteLength * 1.25 + 200;
  const drop = (key: string) => {
    const old = entries.get(key);
    if (old) {
      bytes -= sizeOf(key, old);
      entries.delete(key);
    }
  };
  return {
    get(key, version) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.version !== version) {
        drop(key);
        return undefined;
      }
      // Most recently used last: eviction takes from the front.
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    },
    put(key, answer) {
      const size = sizeOf(key, answer);
      if (size > maxBytes / 4) return;
      drop(key);
      while (bytes + size > maxBytes && entries.size > 0) drop(entries.keys().next().value!);
      entries.set(key, answer);
      bytes += size;
    },
  };
}
