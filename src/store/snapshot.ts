// One read transaction for each request's synchronous part. Outside a transaction every
// statement is its own: it takes the WAL's shared-memory read lock and lets go of it again,
// system calls that cost more than most statements here (on a 2-core VM, 9 µs for a run read
// by id, against 0.5 inside a transaction; `select 1`, which reads no table, 0.2). Inside one,
// the statements after the first read the same snapshot for nothing, and an answer's
// statements (a page and its total, a run's jobs and their steps) see one commit, never two.
//
// Begun where the request enters, ended before the request's answer is handed back or its
// first await: nothing else runs on the thread while it is open, so it never keeps a writer's
// checkpoint waiting, nor the WAL from being reset while the service is idle. It is begun
// after the request's data version is read, so the data it reads is never older than that
// version (see changes.ts). A database without a change signal is read as before, statement
// by statement.
import type { DataVersion } from "./versioned-cache.ts";

/** BEGIN, COMMIT and ROLLBACK on the store's connection, prepared once by the runtime that opened it. */
export interface ReadTransaction {
  begin(): void;
  end(): void;
  abandon(): void;
}

/** The three statements of a read transaction, from a driver's `prepare` (bun:sqlite's, node:sqlite's). */
export function readTransactionOf(prepare: (sql: string) => { run(): unknown }): ReadTransaction {
  const begin = prepare("BEGIN");
  const commit = prepare("COMMIT");
  const rollback = prepare("ROLLBACK");
  return { begin: () => void begin.run(), end: () => void commit.run(), abandon: () => void rollback.run() };
}

export class ReadSnapshot {
  private open = false;

  constructor(private readonly transaction: ReadTransaction) {}

  /** Read what follows, until `end`, from one snapshot (deferred: the first read takes it). */
  begin(version: DataVersion): void {
    if (version === null || this.open) return;
    try {
      this.transaction.begin();
      this.open = true;
    } catch {
      // A transaction is open already: only this class begins one on the connection, so it is
      // one whose end failed. Left open, it would hold every later request to its snapshot.
      try {
        this.transaction.abandon();
        this.transaction.begin();
        this.open = true;
      } catch {
        // A closed connection (the file was given up): there is nothing to read in a snapshot.
      }
    }
  }

  /** End the open transaction, if any: a read, with nothing to write. */
  end(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.transaction.end();
    } catch {
      try {
        this.transaction.abandon();
      } catch {
        // A closed connection (the file was given up) has no transaction left to end.
      }
    }
  }
}
