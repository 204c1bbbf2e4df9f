// The codec under Deno, chosen by measurement (README, "Under Deno"): the digest is xxHash3
// from the system's libxxhash through Deno's FFI, with the seeds Bun's codec uses, so both
// runtimes give one answer the same ETag; where libxxhash cannot be loaded, SHA-1 from
// node:crypto (the portable codec's). gzip is node:zlib's: Deno's CompressionStream
// is asynchronous and took 7 times as long, and libdeflate through FFI twice as long.
import { portableCodec } from "../../http/encoding.ts";
import type { Codec } from "../../http/encoding.ts";

type Xxh3 = (bytes: Uint8Array, length: bigint, seed: bigint) => bigint | number;

// Bun.hash.xxHash3 keeps only the low 32 bits of its seed: 0x9e3779b97f4a7c15n hashes as 0x7f4a7c15.
const seeds = [0n, 0x7f4a7c15n] as const;
const hex = (n: bigint | number) => BigInt(n).toString(16).padStart(16, "0");
const utf8 = new TextEncoder();

function loadXxh3(): Xxh3 | null {
  try {
    const lib = Deno.dlopen("libxxhash.so.0", {
      XXH3_64bits_withSeed: { parameters: ["buffer", "usize", "u64"], result: "u64" },
    });
    return lib.symbols.XXH3_64bits_withSeed as Xxh3;
  } catch {
    return null;
  }
}

const xxh3 = loadXxh3();

export const denoCodec: Codec & { readonly digestName: string } = xxh3
  ? {
    digestName: "xxHash3 (libxxhash), as Bun's",
    digest(input) {
      const bytes = typeof input === "string" ? utf8.encode(input) : input;
      const n = BigInt(bytes.length);
      return hex(xxh3(bytes, n, seeds[0])) + hex(xxh3(bytes, n, seeds[1]));
    },
    gzip: portableCodec.gzip,
    crc32: portableCodec.crc32,
    tokenHash: portableCodec.tokenHash,
    deflateBlocks: portableCodec.deflateBlocks,
  }
  : { digestName: "SHA-1 (node:crypto; libxxhash not found)", ...portableCodec };
