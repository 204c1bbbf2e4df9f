// Rows per table for /metrics, counted in the background and in chunks: a count(*) over a
// table of hundreds of millions of steps would stop every request for seconds, while a walk
// along the primary key, a slice at a time with a pause for requests in between, never does.
// The figures are those of the last finished walk; a new one starts when a scrape finds them
// older than the refresh interval.
import { sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { primaryKeyOf } from "../../db/keys.ts";
import { forgeTables } from "../../db/schema.ts";
import type { ForgeTable } from "../../db/schema.ts";
import type { ServiceDatabase } from "../store/index.ts";


export interface TableRowsOptions {
  /** Rows a single query may step over before the walk pauses for requests. */
  sliceRows?: number;
  refreshMs?: number;
  /** A pause that lets waiting requests run (a macrotask by default). */
  pause?: () => Promise<void>;
  now?: () => number;
}

export class TableRows {
  private last: ReadonlyMap<string, number> | null = null;
  private finishedAt = -Infinity;
  private walking: Promise<void> | null = null;
  private readonly sliceRows: number;
  private readonly refreshMs: number;
  private readonly pause: () => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly db: ServiceDatabase, opts: TableRowsOptions = {}) {
    this.sliceRows = opts.sliceRows ?? 20_000;
    this.refreshMs = opts.refreshMs ?? 60_000;
    this.pause = opts.pause ?? (() => new Promise((resolve) => setTimeout(resolve, 0)));
    this.now = opts.now ?? Date.now;
  }

  /** The last finished count (null before the first one ends); starts a new one if it is stale. */
  current(): ReadonlyMap<string, number> | null {
    if (this.walking === null && this.now() - this.finishedAt >= this.refreshMs) {
      this.walking = this.countAll()
        .then((counts) => {
          this.last = counts;
          this.finishedAt = this.now();
        })
        // The database went away (shutdown): keep the last figures.
        .catch(() => {})
        .finally(() => {
          this.walking = null;
        });
    }
    return this.last;
  }

  /** Resolves once the walk in progress (if any) has finished. */
  settled(): Promise<void> {
    return this.walking ?? Promise.resolve();
  }

  async countAll(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const table of Object.keys(forgeTables) as ForgeTable[]) {
      counts.set(table, await this.countTable(table, primaryKeyOf(table)));
    }
    return counts;
  }

  private async countTable(table: string, key: readonly string[]): Promise<number> {
    const columns = sql.join(key.map((k) => sql.identifier(k)), sql`, `);
    const keyTuple = key.length === 1 ? columns : sql`(${columns})`;
    let cursor: unknown[] | null = null;
    let rows = 0;
    for (;;) {
      const after: SQL = cursor === null ? sql`` : sql`WHERE ${keyTuple} > (${sql.join(cursor.map((v) => sql`${v}`), sql`, `)})`;
      // values(): every driver answers it with arrays (get() gives objects on some, arrays on others).
      const boundary = this.db.values<unknown[]>(
        sql`SELECT ${columns} FROM ${sql.identifier(table)} ${after} ORDER BY ${columns} LIMIT 1 OFFSET ${this.sliceRows - 1}`,
      )[0];
      if (boundary === undefined) {
        const rest = this.db.values<[number]>(sql`SELECT count(*) FROM ${sql.identifier(table)} ${after}`)[0];
        return rows + Number(rest?.[0] ?? 0);
      }
      rows += this.sliceRows;
      cursor = boundary;
      await this.pause();
    }
  }
}
