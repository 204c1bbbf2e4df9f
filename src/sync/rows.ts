// PostgreSQL values → the SQLite copy's values, by the column's PostgreSQL type: timestamptz →
// integer ms since the epoch (UTC, floored, as the driver's Date already is), text[] → JSON
// text, boolean → 0/1, bigint (which arrives as a decimal string) → number.
import type { KeyValues } from "./tables.ts";

export type SqliteValue = number | string | null;
export type SqliteRow = SqliteValue[];

/**
 * Rows of a full load, as its multi-row INSERT binds them: a block is one flat array of up to
 * rowsPerBlock whole rows (row r's values at [r·width, (r+1)·width)). Decoded straight into
 * blocks, a row is no array of its own, and a full block is bound without copying.
 */
export type RowBlock = SqliteValue[];
export const rowsPerBlock = 32;

/** Rows (of `width` values each) as blocks. */
export function blocksOf(rows: readonly SqliteRow[], width: number): RowBlock[] {
  const blocks: RowBlock[] = [];
  for (let r = 0; r < rows.length; r += rowsPerBlock) {
    const block: RowBlock = new Array(Math.min(rowsPerBlock, rows.length - r) * width);
    for (let i = 0; i * width < block.length; i++) {
      const row = rows[r + i]!;
      for (let c = 0; c < width; c++) block[i * width + c] = row[c]!;
    }
    blocks.push(block);
  }
  return blocks;
}

/** PostgreSQL type OIDs the forge schema uses (pg_type.oid; stable across versions). */
export const pgType = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  varchar: 1043,
  timestamp: 1114,
  timestamptz: 1184,
  textArray: 1009,
  varcharArray: 1015,
} as const;

type Convert = (value: unknown, column: string) => SqliteValue;

const integer: Convert = (v, column) => {
  const n = typeof v === "string" ? Number(v) : typeof v === "bigint" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new TypeError(`${column}: ${String(v)} is not an integer the copy can hold exactly`);
  return n;
};

const text: Convert = (v, column) => {
  if (typeof v !== "string") throw new TypeError(`${column}: expected text, got ${typeof v}`);
  return v;
};

const boolean: Convert = (v, column) => {
  if (typeof v !== "boolean") throw new TypeError(`${column}: expected a boolean, got ${typeof v}`);
  return v ? 1 : 0;
};

const milliseconds: Convert = (v, column) => {
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new TypeError(`${column}: expected a timestamp, got ${String(v)}`);
  return v.getTime();
};

const stringList: Convert = (v, column) => {
  if (!Array.isArray(v)) throw new TypeError(`${column}: expected a text array, got ${typeof v}`);
  return JSON.stringify(v);
};

const converters: Record<number, Convert> = {
  [pgType.bool]: boolean,
  [pgType.int8]: integer,
  [pgType.int2]: integer,
  [pgType.int4]: integer,
  [pgType.text]: text,
  [pgType.varchar]: text,
  [pgType.timestamp]: milliseconds,
  [pgType.timestamptz]: milliseconds,
  [pgType.textArray]: stringList,
  [pgType.varcharArray]: stringList,
};

export interface ResultColumn { name: string; type: number }

/**
 * A converter for rows of this shape (the columns a PostgreSQL result reports). An unknown
 * type fails here, once, rather than storing something the API would misread.
 */
export function rowConverter(columns: readonly ResultColumn[]): (values: readonly unknown[]) => SqliteRow {
  const steps = columns.map((c) => {
    const convert = converters[c.type];
    if (!convert) throw new TypeError(`${c.name}: PostgreSQL type ${c.type} has no SQLite conversion`);
    return { name: c.name, convert };
  });
  return (values) => steps.map((s, i) => {
    const v = values[i];
    return v === null || v === undefined ? null : s.convert(v, s.name);
  });
}

/** A deleted_rows.row_key (the deleted row's primary key as JSON) as key values in key order. */
export function keyFromJson(key: readonly string[], rowKey: unknown): KeyValues {
  const object = typeof rowKey === "string" ? JSON.parse(rowKey) : rowKey;
  if (typeof object !== "object" || object === null) throw new TypeError(`row_key ${String(rowKey)} is not an object`);
  return key.map((k) => integer((object as Record<string, unknown>)[k], `row_key.${k}`) as number);
}
