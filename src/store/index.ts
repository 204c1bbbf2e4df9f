// The query layer: one object that both API surfaces read through. Every statement is
// prepared once, here, when the store is created. Lookups below a repository take the
// repository's id, so nothing can be read across repositories by accident.
import type { ServiceDatabase } from "./database.ts";
import { accessQueries } from "./access.ts";
import { artifactQueries } from "./artifacts.ts";
import { jobQueries } from "./jobs.ts";
import { runQueries } from "./runs.ts";
import { workflowQueries } from "./workflows.ts";

export interface StoreOptions {
  /**
   * Changes whenever the database's content may have changed (SQLite's PRAGMA data_version).
   * Given, the store remembers costly answers until it changes; absent, it remembers nothing.
   */
  dataVersion?: () => number;
}

export function createStore(db: ServiceDatabase, opts: StoreOptions = {}) {
  // Read once per request, when it begins (see beginRequest), not once per cached question:
  // each read is a round trip into SQLite, and one request's caches should agree on one
  // version, the one from before any of its reads.
  let seen: number | undefined;
  const read = opts.dataVersion;
  const dataVersion = read && (() => (seen ??= read()));
  return {
    /** Absent when the database gives no change signal: nothing may then be remembered across requests. */
    dataVersion,
    /** A request starts: whatever was committed before it must be seen, so the version is read afresh. */
    beginRequest(): void {
      if (read) seen = read();
    },
    ...accessQueries(db, dataVersion),
    ...runQueries(db, dataVersion),
    ...jobQueries(db),
    ...workflowQueries(db),
    ...artifactQueries(db),
  };
}

export type Store = ReturnType<typeof createStore>;
export type { ServiceDatabase } from "./database.ts";
export type { RepositoryRecord, TokenHolder } from "./access.ts";
export type { ActorRecord, Page, RunFilter, RunRecord } from "./runs.ts";
export type { AttemptSelector } from "./jobs.ts";
