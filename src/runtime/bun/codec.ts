// The codec of the executable: Bun's xxHash3 for ETags and Bun's gzip, both much cheaper per
// byte than SHA-1 and node:zlib; `bun bench/in-process.ts` shows what a computed answer costs.
// Tokens are hashed by Bun.SHA256: node:crypto's first hash in a compiled executable took
// 24-26 ms (loading and initializing the module), on the first request of every process.
import { deflateBlocks } from "../../http/encoding.ts";
import type { Codec } from "../../http/encoding.ts";

const hex = (n: bigint) => n.toString(16).padStart(16, "0");

export const bunCodec: Codec = {
  // Two 64-bit hashes under different seeds: 128 bits, so that two versions of one answer
  // share a tag by chance about as rarely as they would under a cryptographic digest.
  digest: (bytes) => hex(Bun.hash.xxHash3(bytes, 0n)) + hex(Bun.hash.xxHash3(bytes, 0x9e3779b97f4a7c15n)),
  gzip: (bytes, level) => Bun.gzipSync(bytes as Uint8Array<ArrayBuffer>, { level }),
  gunzip: (bytes) => Bun.gunzipSync(bytes as Uint8Array<ArrayBuffer>),
  crc32: (bytes) => Bun.hash.crc32(bytes),
  tokenHash: (raw) => Bun.SHA256.hash(raw, "hex"),
  deflateBlocks,
};
