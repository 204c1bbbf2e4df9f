// PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`), decoded straight into
// the copy's values (in blocks of rows, rows.ts): the full load reads every row this way. Binary rather than text, because
// its values do not depend on the session (TimeZone, DateStyle) and need no parsing: integers
// and timestamps are big-endian int64s, text is UTF-8 bytes. The values are the same as
// rows.ts's converters make of the driver's: integer ms since the epoch (floored), JSON text
// for a text[], 0/1 for a boolean, and an integer the copy cannot hold exactly fails.
// Chunks may end anywhere, even inside a field; a partial row waits for the next chunk.
import { pgType, rowsPerBlock } from "./rows.ts";
import type { ResultColumn, RowBlock, SqliteValue } from "./rows.ts";

const signature = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // PGCOPY\n\377\r\n\0
const headerFixed = signature.length + 8; // flags, header extension length

/** Microseconds from the Unix epoch to PostgreSQL's epoch (2000-01-01 UTC), in ms. */
const postgresEpochMs = 946_684_800_000;
const two32 = 4_294_967_296;

/** A field's bytes are bytes[start, end); the view is over the same buffer. */
type Decode = (view: DataView, bytes: Uint8Array, start: number, end: number, column: string, texts: TextCache) => SqliteValue;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Text fields, decoded once per distinct short value: a load repeats the same statuses, names
 * and labels millions of times. A slot holds the bytes it was decoded from, compared in full,
 * so a collision only costs a decode.
 */
const cacheSlots = 4096;
const cachedLongest = 32;

class TextCache {
  private readonly keys: (Uint8Array | undefined)[] = new Array(cacheSlots);
  private readonly values: string[] = new Array(cacheSlots);

  text(bytes: Uint8Array, start: number, end: number): string {
    const length = end - start;
    if (length > cachedLongest) return utf8.decode(bytes.subarray(start, end));
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + bytes[i]!) | 0;
    const slot = (hash ^ (hash >>> 12)) & (cacheSlots - 1);
    const key = this.keys[slot];
    if (key !== undefined && key.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (key[i] !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.values[slot]!;
    }
    const value = utf8.decode(bytes.subarray(start, end));
    this.keys[slot] = bytes.slice(start, end);
    this.values[slot] = value;
    return value;
  }
}

function expectLength(end: number, start: number, length: number, column: string, what: string): void {
  if (end - start !== length) throw new TypeError(`${column}: expected ${what} of ${length} bytes, got ${end - start}`);
}

/** An int64 at `at` as a number, or a TypeError when it is not a safe integer. */
function int64(view: DataView, at: number, column: string): number {
  const high = view.getInt32(at);
  const low = view.getUint32(at + 4);
  // Safe integers are those with |n| < 2^53: a high word within [-2^21, 2^21).
  if (high >= 0x200000 || high < -0x200000 || (high === -0x200000 && low === 0)) {
    throw new TypeError(`${column}: ${(BigInt(high) << 32n) + BigInt(low)} is not an integer the copy can hold exactly`);
  }
  return high * two32 + low;
}

const decoders: Record<number, Decode> = {
  [pgType.bool]: (view, _b, start, end, column) => {
    expectLength(end, start, 1, column, "a boolean");
    return view.getUint8(start) === 0 ? 0 : 1;
  },
  [pgType.int2]: (view, _b, start, end, column) => {
    expectLength(end, start, 2, column, "an int2");
    return view.getInt16(start);
  },
  [pgType.int4]: (view, _b, start, end, column) => {
    expectLength(end, start, 4, column, "an int4");
    return view.getInt32(start);
  },
  [pgType.int8]: (view, _b, start, end, column) => {
    expectLength(end, start, 8, column, "an int8");
    return int64(view, start, column);
  },
  [pgType.text]: (_v, bytes, start, end, _c, texts) => texts.text(bytes, start, end),
  [pgType.varchar]: (_v, bytes, start, end, _c, texts) => texts.text(bytes, start, end),
  [pgType.timestamp]: timestamp,
  [pgType.timestamptz]: timestamp,
  [pgType.textArray]: textArray,
  [pgType.varcharArray]: textArray,
};

function timestamp(view: DataView, _b: Uint8Array, start: number, end: number, column: string): SqliteValue {
  expectLength(end, start, 8, column, "a timestamp");
  const high = view.getInt32(start);
  const low = view.getUint32(start + 4);
  // ±infinity are INT64_MAX / INT64_MIN: no instant, as the driver's Invalid Date.
  if ((high === 0x7fffffff && low === 0xffffffff) || (high === -0x80000000 && low === 0)) {
    throw new TypeError(`${column}: expected a timestamp, got ${high > 0 ? "infinity" : "-infinity"}`);
  }
  // floor(µs / 1000) exactly: the high word's multiple of 2^32 µs is a whole number of ms plus 296 µs per unit.
  const ms = Math.floor((high * 296 + low) / 1000) + high * 4_294_967 + postgresEpochMs;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new TypeError(`${column}: expected a timestamp, got one out of range`);
  return ms;
}

function textArray(view: DataView, bytes: Uint8Array, start: number, end: number, column: string, texts: TextCache): SqliteValue {
  const dimensions = view.getInt32(start);
  if (dimensions === 0) return "[]";
  if (dimensions !== 1) throw new TypeError(`${column}: a ${dimensions}-dimensional array has no SQLite conversion`);
  const count = view.getInt32(start + 12);
  const elements: (string | null)[] = [];
  let at = start + 20; // ndim, has-null flag, element type, then size and lower bound of the one dimension
  for (let i = 0; i < count; i++) {
    const length = view.getInt32(at);
    at += 4;
    if (length < 0) {
      elements.push(null);
      continue;
    }
    if (at + length > end) throw new TypeError(`${column}: a malformed array`);
    elements.push(texts.text(bytes, at, at + length));
    at += length;
  }
  return JSON.stringify(elements);
}

/**
 * Decodes one COPY's binary stream of rows of these columns (as a PostgreSQL result reports
 * them) into blocks of `blockRows` rows (rows.ts). An unknown type fails here, once, before any row.
 */
export class BinaryCopyDecoder {
  private readonly steps: { name: string; decode: Decode }[];
  private readonly texts = new TextCache();
  private readonly blockLength: number;
  private block: RowBlock;
  private filled = 0;
  private pending: Uint8Array | null = null;
  private headerSeen = false;
  private ended = false;

  constructor(columns: readonly ResultColumn[], private readonly blockRows = rowsPerBlock) {
    this.steps = columns.map((c) => {
      const decode = decoders[c.type];
      if (!decode) throw new TypeError(`${c.name}: PostgreSQL type ${c.type} has no SQLite conversion`);
      return { name: c.name, decode };
    });
    this.blockLength = this.steps.length * blockRows;
    this.block = new Array(this.blockLength);
  }

  /** The blocks this chunk (with what was left of the previous one) completed; a partial block waits. */
  push(chunk: Uint8Array): RowBlock[] {
    let bytes = chunk;
    if (this.pending) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
      this.pending = null;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = bytes.length;
    const blocks: RowBlock[] = [];
    let at = 0;
    if (!this.headerSeen) {
      if (length < headerFixed) return this.keep(bytes, 0, blocks);
      for (let i = 0; i < signature.length; i++) {
        if (bytes[i] !== signature[i]) throw new TypeError("not a PostgreSQL binary COPY stream");
      }
      const extension = view.getInt32(signature.length + 4);
      if (length < headerFixed + extension) return this.keep(bytes, 0, blocks);
      at = headerFixed + extension;
      this.headerSeen = true;
    }
    const steps = this.steps;
    const width = steps.length;
    const texts = this.texts;
    let block = this.block;
    let filled = this.filled;
    while (at + 2 <= length) {
      const fields = view.getInt16(at);
      if (fields === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      if (fields !== width) throw new TypeError(`a COPY row of ${fields} fields, expected ${width}`);
      // Is the whole row here? Walk its field lengths first.
      let end = at + 2;
      let complete = true;
      for (let f = 0; f < width; f++) {
        if (end + 4 > length) {
          complete = false;
          break;
        }
        const size = view.getInt32(end);
        end += 4 + (size > 0 ? size : 0);
        if (end > length) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      let p = at + 2;
      const base = filled * width;
      for (let f = 0; f < width; f++) {
        const size = view.getInt32(p);
        p += 4;
        if (size < 0) {
          block[base + f] = null;
        } else {
          const step = steps[f]!;
          block[base + f] = step.decode(view, bytes, p, p + size, step.name, texts);
          p += size;
        }
      }
      if (++filled === this.blockRows) {
        blocks.push(block);
        block = new Array(this.blockLength);
        filled = 0;
      }
      at = end;
    }
    this.block = block;
    this.filled = filled;
    return this.keep(bytes, at, blocks);
  }

  /**
   * Call at the end of the stream: the last, partial block (if any), or a TypeError if the
   * stream stopped inside a row or before its trailer.
   */
  finish(): RowBlock[] {
    if (this.pending && this.pending.length > 0) throw new TypeError("the COPY stream ended inside a row");
    if (!this.ended) throw new TypeError("the COPY stream ended without its trailer");
    if (this.filled === 0) return [];
    const last = this.block.slice(0, this.filled * this.steps.length);
    this.filled = 0;
    return [last];
  }

  private keep(bytes: Uint8Array, from: number, blocks: RowBlock[]): RowBlock[] {
    if (from < bytes.length) {
      if (this.ended) throw new TypeError("data after the COPY trailer");
      this.pending = bytes.slice(from);
    }
    return blocks;
  }
}
