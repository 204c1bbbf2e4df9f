// The query layer: one object that both API surfaces read through. Every statement is
// prepared once, here, when the store is created. Lookups below a repository take the
// repository's id, so nothing can be read across repositories by accident.
import type { ServiceDatabase } from "./database.ts";
import { accessQueries } from "./access.ts";
import { artifactQueries } from "./artifacts.ts";
import { jobQueries } from "./jobs.ts";
import { runQueries } from "./runs.ts";
import { workflowQueries } from "./workflows.ts";

export function createStore(db: ServiceDatabase) {
  return {
    ...accessQueries(db),
    ...runQueries(db),
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
