// Conditional GET: a 200 carries an ETag over its body (and the Link and X-Total-Count that
// go with it), and a request whose If-None-Match names that tag gets 304 with no body.
// Pollers such as `gh run watch` then cost a hash, not a transfer.
import type { Codec } from "./encoding.ts";

/** Headers that are part of what a listing says, besides its body. */
export const describedBy = ["link", "x-total-count"] as const;

/**
 * A 200 for one token is no answer for another: shared caches must key on Authorization;
 * and large answers are gzip-encoded for clients that accept it.
 */
export const varyOn = "Accept, Accept-Encoding, Authorization";

export function entityTag(bytes: Uint8Array, headers: Record<string, unknown>, digest: Codec["digest"]): string {
  let tag = digest(bytes);
  let described = "";
  for (const name of describedBy) if (typeof headers[name] === "string") described += `\n${name}:${headers[name]}`;
  if (described !== "") tag = digest(tag + described);
  // Weak: the same JSON travels gzip-encoded or not (see encoding.ts).
  return `W/"${tag}"`;
}

/**
 * If-None-Match (a list of tags, `W/` or not, or `*`) against our tag, compared weakly:
 * "tag" when the client named this very tag (it has the answer: a poll), "any" when only `*`
 * matched (it knows nothing of the answer), null for no match.
 */
export function ifNoneMatch(header: string | null, tag: string): "tag" | "any" | null {
  if (header === null) return null;
  if (header === tag) return "tag";
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  const ours = opaque(tag);
  let any = false;
  for (const t of header.split(",")) {
    if (opaque(t) === ours) return "tag";
    if (t.trim() === "*") any = true;
  }
  return any ? "any" : null;
}

/** Whether If-None-Match matches our tag at all (then the answer is 304). */
export function matchesIfNoneMatch(header: string | null, tag: string): boolean {
  return ifNoneMatch(header, tag) !== null;
}
