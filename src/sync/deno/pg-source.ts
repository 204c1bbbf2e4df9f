// The forge's PostgreSQL under Deno, through the `pg` package from npm: the source of Bun's
// edge (src/sync/bun/postgres-source.ts) over another client. Chosen over `postgres` by
// measurement (bench/deno-sync.ts): under Deno it read keyset pages 1.1-1.6 times as fast,
// in four runs on a shared machine. One connection: a poll's clock read, then its snapshot
// transaction. Every failure leaves as SourceUnavailable with the password taken out.
import pg from "pg";
import { blocksOf, rowConverter } from "../rows.ts";
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

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * The full load's read as a keyset SELECT ($1.. = the last key, then the limit): Bun's edge
 * streams the same rows with a binary COPY, which pg cannot do without another package.
 */
function rowsAfterSql(table: CopiedTable, after: KeyValues | null): string {
  const keys = table.key.map(quote).join(", ");
  const where = after ? ` WHERE (${keys}) > (${table.key.map((_, i) => `$${i + 1}`).join(", ")})` : "";
  return `SELECT ${table.columns.map(quote).join(", ")} FROM ${quote(table.name)}${where} ORDER BY ${keys} LIMIT $${after ? table.key.length + 1 : 1}`;
}

export function openPgSource(url: string): ForgeSource {
  const client = new pg.Client({
    connectionString: url,
    application_name: "actions-runs-sync",
    statement_timeout: 300000,
    connectionTimeoutMillis: 10000,
  });
  // A connection lost while idle is reported by the next query; the event must have a listener.
  let lost: Error | null = null;
  client.on("error", (e) => (lost = e));
  let connected: Promise<unknown> | null = null;
  const fail = (e: unknown): never => {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    throw new SourceUnavailable(redactSecrets(typeof code === "string" ? `${message} (${code})` : message, url));
  };
  const names = new Map<string, string>();
  const run = async (text: string, params: unknown[]): Promise<Values> => {
    if (lost) throw lost;
    await (connected ??= client.connect());
    let name = names.get(text);
    if (!name) names.set(text, (name = `q${names.size}`));
    const result = await client.query({ text, values: params, rowMode: "array", name });
    const rows = result.rows as Values;
    rows.columns = result.fields.map((f) => ({ name: f.name, type: f.dataTypeID }));
    return rows;
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

  const snapshot = (xmin: number, nextXid: number): Snapshot => ({
    xmin,
    nextXid,
    async *streamRows(table, after, limit): AsyncIterable<RowBlock[]> {
      let result: Values;
      try {
        result = await run(rowsAfterSql(table, after), [...(after ?? []), limit]);
      } catch (e) {
        return fail(e);
      }
      if (result.length > 0) yield blocksOf(convert(`${table.name}:rows`, result, false), table.columns.length);
    },
    async changedRows(table, fromUs, after, limit): Promise<Page> {
      const q = queriesFor(table);
      const from = fromUs === null ? "-infinity" : timestamptzText(fromUs);
      const result = after
        ? await run(q.changedAfter, [from, timestamptzText(after.updatedAtUs!), ...after.key, limit])
        : await run(q.firstChanged, [from, limit]);
      const rows = convert(`${table.name}:changed`, result, true);
      const versions = result.map((values) => Number(values[values.length - 1]));
      const next: PageCursor | null = rows.length === limit
        ? { key: keyOf(table, rows[rows.length - 1]!), updatedAtUs: versions[versions.length - 1]! }
        : null;
      return { rows, versions, next };
    },
    async deletedAfter(afterSeq, limit): Promise<DeletedRow[]> {
      const result = await run(deletedAfterSql, [afterSeq, limit]);
      return result.map(([seq, table, rowKey]) => ({ seq: Number(seq), table: table as string, rowKey }));
    },
    async rowsWithKeys(table, keys: readonly KeyValues[]): Promise<SqliteRow[]> {
      if (keys.length === 0) return [];
      const q = queriesFor(table);
      const columns = table.key.map((_, i) => keys.map((k) => k[i]!));
      return convert(`${table.name}:rows`, await run(q.withKeys, columns), false);
    },
    async maxDeletedSeq(): Promise<number> {
      const [[seq]] = (await run(maxDeletedSeqSql, [])) as [[string]];
      return Number(seq);
    },
  });

  const first = async (text: string) => {
    try {
      return (await run(text, []))[0]!;
    } catch (e) {
      return fail(e);
    }
  };

  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const sourceClock = async (): Promise<SourceClock> => {
    const [us, standby, received, replayed, receiving, nowUs, replayedAtUs] = await first(clockSql);
    return {
      us: Number(us), standby: standby === true, receivedLsn: num(received), replayedLsn: num(replayed),
      receiving: receiving === true, nowUs: Number(nowUs), replayedAtUs: num(replayedAtUs),
    };
  };

  return {
    sourceClock,
    clockUs: async () => (await sourceClock()).us,
    currentXmin: async () => Number((await first(snapshotSql))[0]),
    async inSnapshot(read) {
      let readError: unknown = null;
      let open = false;
      try {
        await run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", []);
        open = true;
        const [[xmin, nextXid]] = (await run(snapshotSql, [])) as unknown as [[string, string | null]];
        let result;
        try {
          result = await read(snapshot(Number(xmin), nextXid === null ? Number.MAX_SAFE_INTEGER : Number(nextXid)));
        } catch (e) {
          readError = e;
          throw e;
        }
        await run("COMMIT", []);
        return result;
      } catch (e) {
        if (open) await run("ROLLBACK", []).catch(() => {});
        if (readError !== null && e === readError && !(e instanceof pg.DatabaseError)) throw e;
        return fail(e);
      }
    },
    async close() {
      if (connected) await client.end().catch(() => {});
    },
  };
}
