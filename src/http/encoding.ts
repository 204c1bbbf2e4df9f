// gzip for large JSON answers, to clients that accept it (gh and Octokit both do): a runs
// page of the GitHub surface is repetitive JSON that gzip shrinks to a tenth or less, and on
// such pages the transfer, not the lookup, is what a request costs.
import { hashToken } from "../auth/tokens.ts";
import { builtin } from "../builtins.ts";

/** Smaller bodies travel as they are: below this, gzip saves too little to pay for itself. */
export const gzipFromBytes = 1024;

/** Does Accept-Encoding allow gzip (`gzip`, `x-gzip` or `*`, with a q-value above 0)? */
export function acceptsGzip(header: string | null): boolean {
  if (header === null || header === "") return false;
  if (header === "gzip") return true; // what gh sends
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (name !== "gzip" && name !== "x-gzip" && name !== "*") continue;
    const q = params.find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/**
 * What every computed answer pays for in proportion to its size: a digest of its bytes (the
 * ETag) and, for most clients, gzip. The portable codec runs on any runtime with node:crypto
 * and node:zlib; a runtime may bring a faster one (src/runtime/bun/codec.ts). Two codecs may
 * give different tags for the same bytes: a replica running the other one answers a poller's
 * tag with a 200 instead of a 304, never with a wrong 304.
 */
export interface Codec {
  /** A digest of the bytes, as hex. */
  digest(bytes: Uint8Array | string): string;
  /** gzip at this zlib level (see `gzipLevel`). */
  gzip(bytes: Uint8Array, level: GzipLevel): Uint8Array<ArrayBuffer>;
  /** The inverse, for a remembered answer kept encoded and asked for by a client without gzip; the portable one when absent. */
  gunzip?(bytes: Uint8Array): Uint8Array<ArrayBuffer>;
  /** A raw token's SHA-256 as the forge stores it (lowercase hex, src/auth/tokens.ts). */
  tokenHash(raw: string): string;
  /**
   * CRC-32 (gzip's), for an answer gzip-encoded from its writer's steps (json-plan.ts).
   * Absent: every answer is encoded by `gzip`.
   */
  crc32?(bytes: Uint8Array): number;
  /**
   * The bytes as raw deflate blocks that refer to nothing before them and end on a byte, none
   * of them the last (zlib's level 9, ended by a sync flush), for gzip members written from
   * steps to carry a large text that many answers repeat (json-plan.ts). Absent: written as literals.
   */
  deflateBlocks?(bytes: Uint8Array): Uint8Array;
}

/**
 * Which zlib level an answer is encoded at, once, on its request's own time. One sent and then
 * forgotten: level 1, the fastest (a large runs page is encoded from its writer's steps
 * instead where the codec has a CRC-32: json-plan.ts). One also remembered: level 6, which costs a third more than
 * level 1 on a runs page (260 against 195 µs) and keeps it in 40% of the memory (9.6 against
 * 23.7 KB: level 6's longer match search finds the page's sixty copies of its repository
 * whole), so that the same budget holds two and a half times the answers.
 */
export type GzipLevel = 1 | 6;
export const gzipLevel = { sent: 1, remembered: 6 } as const satisfies Record<string, GzipLevel>;

/** node:zlib's gzip and CRC-32, SHA-1 for the ETag, and node:crypto's SHA-256 for tokens. */
export const portableCodec: Codec = {
  tokenHash: hashToken,
  crc32: (bytes) => builtin("node:zlib").crc32(bytes),
  digest: (bytes) => builtin("node:crypto").createHash("sha1").update(bytes).digest("hex"),
  gzip: (bytes, level) => new Uint8Array(builtin("node:zlib").gzipSync(bytes, { level })),
  gunzip: (bytes) => new Uint8Array(builtin("node:zlib").gunzipSync(bytes)),
  deflateBlocks,
};

export function deflateBlocks(bytes: Uint8Array): Uint8Array {
  const zlib = builtin("node:zlib");
  return new Uint8Array(zlib.deflateRawSync(bytes, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
}
