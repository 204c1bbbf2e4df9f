// What the sync needs from the forge's PostgreSQL, as plain types: the Bun.sql implementation
// is in bun/postgres-source.ts. Every method only reads.
import type { SourceClock } from "./replication.ts";
import type { RowBlock, SqliteRow } from "./rows.ts";
import type { CopiedTable, KeyValues } from "./tables.ts";

export interface Page {
  rows: SqliteRow[];
  /** Change pages: each row's updated_at in µs, which identifies the row's version. */
  versions?: number[];
  /** Where the next page starts, or null when this page was the last. */
  next: PageCursor | null;
}

/** A keyset position: the last row's primary key, and for change pages its updated_at (µs). */
export interface PageCursor {
  key: KeyValues;
  updatedAtUs?: number;
}

export interface DeletedRow {
  seq: number;
  table: string;
  rowKey: unknown;
}

/** Reads inside one REPEATABLE READ READ ONLY transaction: every call sees the same snapshot. */
export interface Snapshot {
  /** Every transaction with a lower id had ended when the snapshot was taken. */
  xmin: number;
  /** The next transaction id to be assigned, read just after the snapshot was taken. */
  nextXid: number;
  /**
   * The full load's read: at most `limit` rows in primary-key order after the key `after` (null:
   * from the first), streamed (COPY), as batches of whatever has arrived, each batch blocks of
   * rows (rows.ts). Leaving the loop early ends the stream.
   */
  streamRows(table: CopiedTable, after: KeyValues | null, limit: number): AsyncIterable<RowBlock[]>;
  /** Rows with updated_at ≥ fromUs (null: all), in (updated_at, key) order after `after`. */
  changedRows(table: CopiedTable, fromUs: number | null, after: PageCursor | null, limit: number): Promise<Page>;
  /** deleted_rows with seq > afterSeq, in seq order. */
  deletedAfter(afterSeq: number, limit: number): Promise<DeletedRow[]>;
  /** The rows that exist with these keys. */
  rowsWithKeys(table: CopiedTable, keys: readonly KeyValues[]): Promise<SqliteRow[]>;
  /** The highest deleted_rows.seq visible (0 when none); read from the table, not the sequence. */
  maxDeletedSeq(): Promise<number>;
}

export interface ForgeSource {
  /** The mark's clock in µs (sourceClock().us), in its own statement, so it is read before the next snapshot. */
  clockUs(): Promise<number>;
  /** The mark's clock and what the source is (a primary, or a standby and how far it has replayed). */
  sourceClock(): Promise<SourceClock>;
  /** The xmin of a fresh snapshot: transactions with lower ids have all ended. */
  currentXmin(): Promise<number>;
  inSnapshot<T>(read: (snapshot: Snapshot) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The source failed (down, unreachable, refused us); the message carries no secret. */
export class SourceUnavailable extends Error {
  override name = "SourceUnavailable";
}
