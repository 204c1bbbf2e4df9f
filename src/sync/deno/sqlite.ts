// node:sqlite behind the shape of bun:sqlite's Database that the service uses: what drizzle's
// bun-sqlite session calls (prepare → all/get/values/run, exec, transaction), and what the
// migrations and tools call (query, run). drizzle-orm has no node:sqlite driver; its bun-sqlite
// session module never imports bun:sqlite itself, so this adapter is all it needs.
//
// Differences from bun:sqlite kept visible: an integer above 2^53 throws a RangeError where Bun
// returns a lossy number; get() of no row is null, as in Bun.
import { DatabaseSync } from "node:sqlite";
import type { SQLInputValue, StatementSync } from "node:sqlite";

type Param = SQLInputValue | boolean | Record<string, SQLInputValue>;

/** A bound value as SQLite takes it: booleans as 0/1, as bun:sqlite binds them. */
function bindable(params: readonly Param[]): SQLInputValue[] {
  let out: SQLInputValue[] | null = null;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (typeof p === "boolean") (out ??= params.slice() as SQLInputValue[])[i] = p ? 1 : 0;
  }
  return out ?? (params as SQLInputValue[]);
}

export class Statement {
  private arrays: StatementSync | null = null;

  constructor(private readonly db: DatabaseSync, private readonly objects: StatementSync) {}

  all(...params: Param[]): Record<string, unknown>[] {
    return this.objects.all(...bindable(params)) as Record<string, unknown>[];
  }

  get(...params: Param[]): Record<string, unknown> | null {
    return (this.objects.get(...bindable(params)) as Record<string, unknown> | undefined) ?? null;
  }

  /** Rows as arrays of values, in column order (drizzle reads every select this way). */
  values(...params: Param[]): unknown[][] {
    if (this.arrays === null) {
      this.arrays = this.db.prepare(this.objects.sourceSQL);
      this.arrays.setReturnArrays(true);
    }
    return this.arrays.all(...bindable(params)) as unknown as unknown[][];
  }

  run(...params: Param[]): { changes: number; lastInsertRowid: number } {
    const r = this.objects.run(...bindable(params));
    return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
  }

  finalize(): void {}
}

export interface OpenOptions {
  readonly?: boolean;
  /** Accepted for bun:sqlite's signature; node:sqlite creates a missing file unless read-only. */
  create?: boolean;
  /** Accepted for bun:sqlite's signature; node:sqlite binds named parameters without their prefix anyway. */
  strict?: boolean;
}

export class Database {
  readonly raw: DatabaseSync;
  private readonly cached = new Map<string, Statement>();

  constructor(path = ":memory:", options: OpenOptions = {}) {
    this.raw = new DatabaseSync(path, { readOnly: options.readonly ?? false });
  }

  /** A database from bytes (a whole SQLite file), in memory; read-only unless asked otherwise. */
  static deserialize(bytes: Uint8Array, options: OpenOptions = {}): Database {
    const db = new Database(":memory:");
    // Deno's node:sqlite takes readOnly (SQLITE_DESERIALIZE_READONLY); Node's type does not list it.
    (db.raw.deserialize as (b: Uint8Array, o: object) => void)(bytes, { readOnly: options.readonly ?? true });
    return db;
  }

  prepare(sql: string): Statement {
    return new Statement(this.raw, this.raw.prepare(sql));
  }

  /** A prepared statement kept for the connection's life, as bun:sqlite's query() does. */
  query(sql: string): Statement {
    let s = this.cached.get(sql);
    if (!s) this.cached.set(sql, (s = this.prepare(sql)));
    return s;
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  run(sql: string, ...params: Param[]): { changes: number; lastInsertRowid: number } {
    if (params.length === 0) {
      this.raw.exec(sql);
      return { changes: 0, lastInsertRowid: 0 };
    }
    return this.prepare(sql).run(...params);
  }

  get inTransaction(): boolean {
    return this.raw.isTransaction;
  }

  /** bun:sqlite's transaction(): the function wrapped in BEGIN … COMMIT, or a savepoint when nested. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R) {
    const wrap = (begin: string) => (...args: A): R => {
      const nested = this.raw.isTransaction;
      const name = `tx${Math.random().toString(36).slice(2)}`;
      this.raw.exec(nested ? `SAVEPOINT ${name}` : begin);
      try {
        const result = fn(...args);
        this.raw.exec(nested ? `RELEASE ${name}` : "COMMIT");
        return result;
      } catch (e) {
        this.raw.exec(nested ? `ROLLBACK TO ${name}; RELEASE ${name}` : "ROLLBACK");
        throw e;
      }
    };
    return Object.assign(wrap("BEGIN"), {
      deferred: wrap("BEGIN DEFERRED"),
      immediate: wrap("BEGIN IMMEDIATE"),
      exclusive: wrap("BEGIN EXCLUSIVE"),
    });
  }

  serialize(): Uint8Array {
    return this.raw.serialize();
  }

  close(): void {
    this.cached.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}
