// The SQL the sync sends to the forge's PostgreSQL, built once per table. Only SELECTs, and
// each one walks an index the forge already has: the primary key (full load, existence checks),
// the updated_at index every table carries (change window), deleted_rows' seq primary key.
import type { CopiedTable, KeyValues } from "./tables.ts";

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

export interface TableQueries {
  /** $1 = window start (timestamptz text, or '-infinity'), $2 = limit; a last column: updated_at in µs. */
  firstChanged: string;
  /** $1 = window start, $2 = last updated_at (timestamptz text), $3.. = last key, then the limit. */
  changedAfter: string;
  /** $1.. = one int8[] per key column. */
  withKeys: string;
  /** No rows: what the columns' types are. */
  columnTypes: string;
  /** The full load's COPY of at most `limit` rows after `after` (null: from the first), in key order, binary. */
  copyRowsAfter(after: KeyValues | null, limit: number): string;
}

export function tableQueries(table: CopiedTable): TableQueries {
  const name = quote(table.name);
  const columns = table.columns.map(quote).join(", ");
  const key = table.key.map(quote);
  const keyList = key.join(", ");
  const keyParams = (from: number) => key.map((_, i) => `$${from + i}`).join(", ");
  const n = key.length;
  const withKeys = n === 1
    ? `SELECT ${columns} FROM ${name} WHERE ${key[0]} = ANY($1::int8[])`
    : `SELECT ${columns} FROM ${name} WHERE (${keyList}) IN (SELECT * FROM unnest(${key.map((_, i) => `$${i + 1}::int8[]`).join(", ")}))`;
  // extract() is exact numeric (PostgreSQL 14+), so the µs survive.
  const changedColumns = `${columns}, (extract(epoch FROM "updated_at") * 1000000)::int8 AS "sync_version_us"`;
  const changedOrder = `ORDER BY "updated_at", ${keyList}`;
  return {
    firstChanged: `SELECT ${changedColumns} FROM ${name} WHERE "updated_at" >= $1::timestamptz ${changedOrder} LIMIT $2`,
    // The repeated bound on updated_at alone lets the index range start at the cursor.
    changedAfter: `SELECT ${changedColumns} FROM ${name} WHERE "updated_at" >= $1::timestamptz AND "updated_at" >= $2::timestamptz`
      + ` AND ("updated_at", ${keyList}) > ($2::timestamptz, ${keyParams(3)}) ${changedOrder} LIMIT $${n + 3}`,
    withKeys,
    columnTypes: `SELECT ${columns} FROM ${name} LIMIT 0`,
    // COPY takes no parameters: the key and the limit are written in, as the integers they are checked to be.
    copyRowsAfter(after, limit) {
      const literals = [...(after ?? []), limit].map((n) => {
        if (!Number.isSafeInteger(n)) throw new TypeError(`${n} is not an integer key`);
        return String(n);
      });
      const where = after ? ` WHERE (${keyList}) > (${literals.slice(0, -1).join(", ")})` : "";
      return `COPY (SELECT ${columns} FROM ${name}${where} ORDER BY ${keyList} LIMIT ${literals[literals.length - 1]}) TO STDOUT (FORMAT binary)`;
    },
  };
}

export const deletedAfterSql = `SELECT seq, table_name, row_key FROM deleted_rows WHERE seq > $1 ORDER BY seq LIMIT $2`;
export const maxDeletedSeqSql = `SELECT coalesce(max(seq), 0)::text AS seq FROM deleted_rows`;
// The next transaction id: pg_snapshot_xmax is not it (that is the last *ended* id + 1, and
// a running transaction can hold an id at or above it). age(xid) counts from the next id to be
// assigned when the reader has none, needs no privilege, and assigns nothing; it is only
// INT_MAX for the three special ids right after a wraparound, when the mark is left unknown.
export const snapshotSql = `SELECT xmin::text AS xmin, CASE WHEN age = 2147483647 THEN NULL ELSE (xmin + age)::text END AS next_xid
  FROM (SELECT pg_snapshot_xmin(s)::text::int8 AS xmin, age((pg_snapshot_xmin(s)::text::int8 % 4294967296)::text::xid) AS age
        FROM pg_current_snapshot() AS s) AS snapshot`;
// The mark's clock (see replication.ts): clock_timestamp() on a primary; on a hot standby the
// newest commit it has replayed, or before any its last restartpoint's time. Every function
// here is allowed to any role; pg_stat_wal_receiver shows others only the receiver's pid.
export const clockSql = `SELECT (extract(epoch FROM CASE WHEN pg_is_in_recovery()
      THEN greatest(pg_last_xact_replay_timestamp(), (SELECT checkpoint_time FROM pg_control_checkpoint()))
      ELSE clock_timestamp() END) * 1000000)::int8::text AS us,
    pg_is_in_recovery() AS standby,
    pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::text AS received,
    pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::text AS replayed,
    EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL) AS receiving,
    (extract(epoch FROM clock_timestamp()) * 1000000)::int8::text AS now_us,
    (extract(epoch FROM pg_last_xact_replay_timestamp()) * 1000000)::int8::text AS replayed_at_us`;
