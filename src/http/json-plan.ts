// An answer written from its steps (src/api/serialized-json.ts): its UTF-8 body, and its
// gzip member from the same steps. In the body, a Repeated already written is a copy of its
// last copy; in gzip, it is a back-reference to that copy when within the last 32 KiB, and
// everything else is literals, in deflate blocks of the fixed Huffman codes (RFC 1951,
// 3.2.6; gzip framing, RFC 1952). No search for matches: the writer knows what repeats, so
// the encoder does not look. The first copy of a large composite (a repository's JSON, an
// actor's) is the exception: zlib compressed it once, at its best level, into deflate blocks
// of its own, kept with it and set between the fixed-code blocks of each answer that carries it.
//
// A computed runs page of the GitHub surface is 360 KB, of which its repository is sixty
// copies and the template of every run another thirty: zlib at its fastest level spent
// 260 µs finding them again; this writes them in a fraction of that (bench/in-process.ts;
// README, "Fast on real traffic"). A remembered answer is still encoded by zlib at level 6
// (encoding.ts), for the memory it saves.
import { Mark, utf8Length } from "../api/serialized-json.ts";
import type { PlanStep } from "../api/serialized-json.ts";

/**
 * Below this, an answer is written from its steps only when it carries a composite's own
 * blocks (`holdsBlocks`), else by zlib's level 1, as fast and smaller for an answer that is
 * mostly first copies sent as literals. Measured before the blocks (`bun` over the million-run
 * file): one run, 10 KB, 20 µs and 3.9 KB, zlib 17 µs and 1.9 KB; five runs, 58 KB: 23 µs
 * against 29, 6.6 KB against 4.5; thirty, 360 KB: 69 µs against 277, 23.9 KB against 24.7.
 * With its repository's and actor's blocks, one run is 2.1 KB (zlib's level 1: 1.9), and
 * thirty 20.1 KB.
 */
export const plannedGzipFromBytes = 48 * 1024;

/**
 * A composite Repeated at least this long (a repository's JSON, an actor's) travels in gzip
 * as deflate blocks of its own, compressed once by zlib (the codec's `deflateBlocks`) and
 * kept with it, where its first copy in an answer would otherwise be literals; its later
 * copies are references to that one, as before.
 */
export const blocksFromBytes = 512;

const windowBytes = 32768;
const longestMatch = 258;
const shortestMatch = 3;
/** A text shorter than this is written byte by byte; a longer one by TextEncoder. */
const shortText = 48;
/** A copy shorter than this is made byte by byte; a longer one by copyWithin. */
const shortCopy = 32;

/** The fixed code of a literal/length symbol, bit-reversed for deflate's least-significant-bit-first packing, and its length. */
const symbolCode = new Uint16Array(288);
const symbolBits = new Uint8Array(288);
/** For each match length 3…258: its symbol's code with the extra bits after it, and the bit count. */
const lengthCode = new Uint32Array(longestMatch + 1);
const lengthBits = new Uint8Array(longestMatch + 1);
/** For each distance 1…32768: its 5-bit code with the extra bits after it, and the bit count. */
const distanceCode = new Uint32Array(windowBytes + 1);
const distanceBits = new Uint8Array(windowBytes + 1);

function reversed(code: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

{
  for (let s = 0; s < 288; s++) {
    const [base, first, bits] = s < 144 ? [0x30, 0, 8] : s < 256 ? [0x190, 144, 9] : s < 280 ? [0, 256, 7] : [0xc0, 280, 8];
    symbolCode[s] = reversed(base + s - first, bits);
    symbolBits[s] = bits;
  }
  const lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  const lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  for (let i = 0; i < lengthBase.length; i++) {
    const end = i + 1 < lengthBase.length ? lengthBase[i + 1]! : longestMatch + 1;
    for (let length = lengthBase[i]!; length < end; length++) {
      const symbol = 257 + i;
      lengthCode[length] = symbolCode[symbol]! | ((length - lengthBase[i]!) << symbolBits[symbol]!);
      lengthBits[length] = symbolBits[symbol]! + lengthExtra[i]!;
    }
  }
  const distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577];
  for (let code = 0; code < distanceBase.length; code++) {
    const extra = code < 4 ? 0 : (code >> 1) - 1;
    for (let d = distanceBase[code]!; d < distanceBase[code]! + (1 << extra); d++) {
      distanceCode[d] = reversed(code, 5) | ((d - distanceBase[code]!) << 5);
      distanceBits[d] = 5 + extra;
    }
  }
}

/** Which pass a Repeated's `at` belongs to: a step last written by another pass is new to this one. */
let passes = 0;
const utf8 = new TextEncoder();

/** `text` as UTF-8 at `at` in `out` (which has room for three bytes a code unit); where it ends. */
function writeText(text: string, out: Uint8Array, at: number): number {
  const n = text.length;
  if (n >= shortText) return at + utf8.encodeInto(text, out.subarray(at)).written;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // The rest by TextEncoder from the first non-ASCII unit (a pair's first half included).
    if (c >= 0x80) return at + utf8.encodeInto(i === 0 ? text : text.slice(i), out.subarray(at)).written;
    out[at++] = c;
  }
  return at;
}

/**
 * Writes answers from their steps into one buffer used again for every answer (only what
 * outlives the call is copied out of it: the gzip member, and a body sent or kept as it is),
 * growing to the largest answer yet; gzip is of the answer last written.
 */
export class PlanWriter {
  private body = new Uint8Array(1 << 20);
  /** Each step's length in the body last written. */
  private lengths = new Int32Array(1 << 12);
  private written: readonly PlanStep[] | null = null;
  /** Whether the plan last written holds the first copy of a composite of blocksFromBytes or more. */
  private large = false;
  /** The length of the body last written. */
  private end = 0;
  private out = new Uint8Array(1 << 16);

  /** The steps' UTF-8, valid until the next call. */
  write(plan: readonly PlanStep[]): Uint8Array {
    let most = 0;
    for (const step of plan) most += typeof step === "string" ? step.length * 3 : step instanceof Mark ? 0 : step.text.length * 3;
    if (most > this.body.byteLength) this.body = new Uint8Array(most);
    if (plan.length > this.lengths.length) this.lengths = new Int32Array(plan.length);
    const body = this.body;
    const lengths = this.lengths;
    const pass = ++passes;
    let at = 0;
    let large = false;
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i]!;
      const start = at;
      if (typeof step === "string") at = writeText(step, body, at);
      else if (step instanceof Mark) {
        // A composite's first copy: its text at once. Its steps are gzip's alone: their lengths
        // are left for it to count (-1), and the Repeated among them are not noted here (a later
        // copy of one is then written from its text, as a first copy is).
        const of = step.of;
        const end = writeText(of.text, body, at);
        of.utf8 = end - at;
        of.answer = pass;
        of.at = at;
        if (end - at >= blocksFromBytes) large = true;
        lengths[i] = 0;
        for (let k = 1; k <= step.steps; k++) lengths[i + k] = -1;
        i += step.steps;
        at = end;
        continue;
      } else {
        if (step.answer === pass) {
          // Written before in this body, so counted.
          const n = step.utf8;
          const from = step.at;
          if (n < shortCopy) for (let k = 0; k < n; k++) body[at + k] = body[from + k]!;
          else body.copyWithin(at, from, from + n);
          step.at = at;
          at += n;
        } else {
          const end = writeText(step.text, body, at);
          step.utf8 = end - at;
          step.answer = pass;
          step.at = at;
          at = end;
        }
      }
      lengths[i] = at - start;
    }
    this.end = at;
    this.written = plan;
    this.large = large;
    return body.subarray(0, at);
  }

  /** Whether the body last written holds a text gzip would carry as its own deflate blocks (`blocksFromBytes`). */
  get holdsBlocks(): boolean {
    return this.large;
  }

  /**
   * The gzip member of the body last written, `plan` being its steps; null for another plan.
   * `crc32` is gzip's CRC-32 and `deflateBlocks` its deflate for large composites (the codec's).
   */
  gzip(plan: readonly PlanStep[], crc32: (bytes: Uint8Array) => number, deflateBlocks?: (bytes: Uint8Array) => Uint8Array): Uint8Array<ArrayBuffer> | null {
    if (plan !== this.written) return null;
    const blocks = deflateBlocks !== undefined && this.large;
    const lengths = this.lengths;
    const end = this.end;
    const plain = this.body.subarray(0, end);
    // Every byte a literal of at most 9 bits, and the framing. A composite's own blocks are
    // no longer than its text at 9 bits a byte, with the 5 bytes before them and 5 at their end.
    const most = 10 + Math.ceil((end * 9) / 8) + 16;
    if (this.out.byteLength < most) this.out = new Uint8Array(most);
    const o = this.out;
    const pass = ++passes;
    // Header: deflate, no flags, no time, no extra flags, unknown OS.
    o.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    let at = 10;
    // BTYPE = 01 (fixed codes); BFINAL = 1 unless other blocks follow.
    let bitBuffer = blocks ? 0b010 : 0b011;
    let bitCount = 3;
    let pos = 0;
    for (let s = 0; s < plan.length; s++) {
      const step = plan[s]!;
      let length = lengths[s]!;
      // A step of a composite's first copy, which the body wrote whole.
      if (length < 0) length = typeof step === "string" ? utf8Length(step) : step instanceof Mark ? 0 : step.byteLength;
      if (step instanceof Mark) {
        const of = step.of;
        of.at = pos;
        of.answer = pass;
        if (blocks && of.utf8 >= blocksFromBytes) {
          // Its own blocks, at a byte boundary: this block ends, and an empty stored block
          // (BFINAL = 0, BTYPE = 00, padding, LEN = 0, NLEN = ~0) brings the stream to a byte.
          of.deflated ??= deflateBlocks!(plain.subarray(pos, pos + of.utf8));
          bitBuffer |= symbolCode[256]! << bitCount;
          bitCount += symbolBits[256]! + 3;
          while (bitCount > 0) {
            o[at++] = bitBuffer & 255;
            bitBuffer >>>= 8;
            bitCount -= 8;
          }
          o[at++] = 0;
          o[at++] = 0;
          o[at++] = 255;
          o[at++] = 255;
          o.set(of.deflated, at);
          at += of.deflated.byteLength;
          // Its blocks end on a byte (a sync flush); a new block of fixed codes, not the last.
          bitBuffer = 0b010;
          bitCount = 3;
          pos += of.utf8;
          s += step.steps;
        }
        continue;
      }
      if (typeof step !== "string") {
        const distance = pos - step.at;
        if (step.answer === pass && distance <= windowBytes && length >= shortestMatch) {
          // The copy: runs of at most 258 bytes at the same distance, none shorter than 3.
          let left = length;
          while (left > 0) {
            const n = left > longestMatch ? (left - longestMatch < shortestMatch ? left - shortestMatch : longestMatch) : left;
            bitBuffer |= lengthCode[n]! << bitCount;
            bitCount += lengthBits[n]!;
            while (bitCount >= 8) {
              o[at++] = bitBuffer & 255;
              bitBuffer >>>= 8;
              bitCount -= 8;
            }
            // A distance's code is up to 18 bits: with fewer than 8 pending, 26 at most.
            bitBuffer |= distanceCode[distance]! << bitCount;
            bitCount += distanceBits[distance]!;
            while (bitCount >= 8) {
              o[at++] = bitBuffer & 255;
              bitBuffer >>>= 8;
              bitCount -= 8;
            }
            left -= n;
          }
          step.at = pos;
          pos += length;
          continue;
        }
        step.at = pos;
        step.answer = pass;
      }
      // Literals, from the body itself.
      for (let i = pos, stop = pos + length; i < stop; i++) {
        const byte = plain[i]!;
        bitBuffer |= symbolCode[byte]! << bitCount;
        bitCount += symbolBits[byte]!;
        if (bitCount >= 16) {
          o[at++] = bitBuffer & 255;
          o[at++] = (bitBuffer >>> 8) & 255;
          bitBuffer >>>= 16;
          bitCount -= 16;
        }
      }
      pos += length;
    }
    // End of block, then (after other blocks) an empty last one, then the last bits padded to a byte.
    bitBuffer |= symbolCode[256]! << bitCount;
    bitCount += symbolBits[256]!;
    if (blocks) {
      while (bitCount >= 8) {
        o[at++] = bitBuffer & 255;
        bitBuffer >>>= 8;
        bitCount -= 8;
      }
      bitBuffer |= (0b011 | (symbolCode[256]! << 3)) << bitCount;
      bitCount += 3 + symbolBits[256]!;
    }
    while (bitCount > 0) {
      o[at++] = bitBuffer & 255;
      bitBuffer >>>= 8;
      bitCount -= 8;
    }
    const crc = crc32(plain);
    for (const word of [crc, end]) {
      for (let i = 0; i < 4; i++) o[at++] = (word >>> (8 * i)) & 255;
    }
    return o.slice(0, at);
  }
}
