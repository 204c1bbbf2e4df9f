// The forge's PostgreSQL through Bun's built-in client (Bun.sql). One connection: a poll's
// clock read, then its snapshot transaction. Every failure leaves as SourceUnavailable with
// the password taken out of the message.
// Only the type: Bun loads its SQL client (bun:sql) when Bun.SQL is first read, 8 ms of the
// executable's start-up, which a service without --sync-from does not pay.
import type { SQL } from "bun";
import { BinaryCopyDecoder } from "../copy-binary.ts";
import { rowConverter } from "../rows.ts";
import type { ResultColumn, RowBlock, SqliteRow } from "../rows.ts";
import type { SourceClock } from "../replication.ts";
import type { DeletedRow, ForgeSource, Page, PageCursor, Snapshot } from "../source.ts";
import { SourceUnavailable } from "../source.ts";
import { clockSql, deletedAfterSql, maxDeletedSeqSql, snapshotSql, tableQueries } from "../source-queries.ts";
import type { TableQueries } from "../source-queries.ts";
import type { CopiedTable, KeyValues } from "../tables.ts";
import { keyOf } from "../tables.ts";
import { redactSecrets } from "../redact.ts";
import { timestamptzText } from "../watermarks.ts";

type Values = unknown[][] & { columns?: ResultColumn[] };
type Query = SQL;

export function openPostgresSource(url: string): ForgeSource {
  const sql = new Bun.SQL(url, {
    max: 1,
    connectionTimeout: 10,
    connection: { application_name: "actions-runs-sync", statement_timeout: "300000" },
  });
  const fail = (e: unknown): never => {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    throw new SourceUnavailable(redactSecrets(typeof code === "string" ? `${message} (${code})` : message, url));
  };
  const queries = new Map<CopiedTable, TableQueries>();
  const queriesFor = (t: CopiedTable) => {
    let q = queries.get(t);
    if (!q) queries.set(t, (q = tableQueries(t)));
    return q;
  };
  const converters = new Map<string, (values: readonly unknown[]) => SqliteRow>();
  const convert = (cacheKey: string, result: Values, dropLast: boolean): SqliteRow[] => {
    let c = converters.get(cacheKey);
    if (!c) {
      const columns = result.columns ?? [];
      converters.set(cacheKey, (c = rowConverter(dropLast ? columns.slice(0, -1) : columns)));
    }
    return result.map((values) => c(values));
  };
  const run = (q: Query, text: string, params: unknown[]) => q.unsafe(text, params).values() as Promise<Values>;
  const columnTypes = new Map<CopiedTable, ResultColumn[]>();

  const snapshotOf = (tx: Query, xmin: number, nextXid: number): Snapshot => ({
    xmin,
    nextXid,
    async *streamRows(table, after, limit): AsyncIterable<RowBlock[]> {
      const q = queriesFor(table);
      let columns = columnTypes.get(table);
      if (!columns) columnTypes.set(table, (columns = (await run(tx, q.columnTypes, [])).columns ?? []));
      const decoder = new BinaryCopyDecoder(columns);
      let reader: ReadableStreamDefaultReader<Uint8Array>;
      try {
        reader = tx.unsafe(q.copyRowsAfter(after, limit)).readable().getReader();
      } catch (e) {
        return fail(e);
      }
      let done = false;
      try {
        for (;;) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (e) {
            return fail(e);
          }
          if (chunk.done) break;
          const blocks = decoder.push(chunk.value);
          if (blocks.length > 0) yield blocks;
        }
        done = true;
        const last = decoder.finish();
        if (last.length > 0) yield last;
      } finally {
        // Left early (a stop, a failed write): end the COPY so the connection is free again.
        if (!done) await reader.cancel().catch(() => {});
      }
    },
    async changedRows(table, fromUs, after, limit): Promise<Page> {
      const q = queriesFor(table);
      const from = fromUs === null ? "-infinity" : timestamptzText(fromUs);
      const result = after
        ? await run(tx, q.changedAfter, [from, timestamptzText(after.updatedAtUs!), ...after.key, limit])
        : await run(tx, q.firstChanged, [from, limit]);
      const rows = convert(`${table.name}:changed`, result, true);
      const versions = result.map((values) => Number(values[values.length - 1]));
      const next: PageCursor | null = rows.length === limit
        ? { key: keyOf(table, rows[rows.length - 1]!), updatedAtUs: versions[versions.length - 1]! }
        : null;
      return { rows, versions, next };
    },
    async deletedAfter(afterSeq, limit): Promise<DeletedRow[]> {
      const result = await run(tx, deletedAfterSql, [afterSeq, limit]);
      return result.map(([seq, table, rowKey]) => ({ seq: Number(seq), table: table as string, rowKey }));
    },
    async rowsWithKeys(table, keys: readonly KeyValues[]): Promise<SqliteRow[]> {
      if (keys.length === 0) return [];
      const q = queriesFor(table);
      const columns = table.key.map((_, i) => keys.map((k) => k[i]!));
      return convert(`${table.name}:rows`, await run(tx, q.withKeys, columns), false);
    },
    async maxDeletedSeq(): Promise<number> {
      const [[seq]] = (await run(tx, maxDeletedSeqSql, [])) as [[string]];
      return Number(seq);
    },
  });

  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const sourceClock = async (): Promise<SourceClock> => {
    try {
      const [[us, standby, received, replayed, receiving, nowUs, replayedAtUs]] = (await run(sql, clockSql, [])) as [[string, boolean, string | null, string | null, boolean, string, string | null]];
      return {
        us: Number(us), standby: standby === true, receivedLsn: num(received), replayedLsn: num(replayed),
        receiving: receiving === true, nowUs: Number(nowUs), replayedAtUs: num(replayedAtUs),
      };
    } catch (e) {
      return fail(e);
    }
  };

  return {
    sourceClock,
    async clockUs() {
      return (await sourceClock()).us;
    },
    async currentXmin() {
      try {
        const [[xmin]] = (await run(sql, snapshotSql, [])) as [[string, string | null]];
        return Number(xmin);
      } catch (e) {
        return fail(e);
      }
    },
    async inSnapshot(read) {
      let readError: unknown = null;
      try {
        return await sql.begin("isolation level repeatable read read only", async (tx) => {
          const [[xmin, nextXid]] = (await run(tx, snapshotSql, [])) as [[string, string | null]];
          try {
            // An unknown next id: a mark no later poll will pick, so windows only stay wider.
            return await read(snapshotOf(tx, Number(xmin), nextXid === null ? Number.MAX_SAFE_INTEGER : Number(nextXid)));
          } catch (e) {
            readError = e;
            throw e;
          }
        });
      } catch (e) {
        // Errors of the caller's own work (the SQLite side, a stop) pass through unchanged.
        if (readError !== null && e === readError && !(e instanceof Bun.SQL.SQLError)) throw e;
        return fail(e);
      }
    },
    async close() {
      await sql.close({ timeout: 0 });
    },
  };
}
