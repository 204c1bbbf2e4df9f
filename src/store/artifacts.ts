import { and, asc, count, desc, eq } from "drizzle-orm";
import { getTableColumns } from "drizzle-orm";
import { workflowArtifacts, workflowRuns } from "../../db/schema.ts";
import type { WorkflowArtifact } from "../../db/schema.ts";
import { pageTerm, param, preparedOnFirstUse } from "./database.ts";
import type { ServiceDatabase } from "./database.ts";
import type { Slice } from "./runs.ts";

/** An artifact with what GitHub's `artifact.workflow_run` tells of the run that made it. */
export interface ArtifactRecord extends WorkflowArtifact {
  headRef: string;
  headSha: string;
}

export function artifactQueries(db: ServiceDatabase) {
  const list = preparedOnFirstUse(() => db.select().from(workflowArtifacts)
    .where(eq(workflowArtifacts.runId, param("runId")))
    .orderBy(asc(workflowArtifacts.id))
    .limit(pageTerm("limit")).offset(pageTerm("offset"))
    .prepare());
  const total = preparedOnFirstUse(() => db.select({ total: count() }).from(workflowArtifacts)
    .where(eq(workflowArtifacts.runId, param("runId"))).prepare());

  // A repository's artifacts, newest run first: the runs' (repo_id, created_at) index in
  // order, each run's artifacts by workflow_artifacts_run; the same walk with a name.
  const withRun = { ...getTableColumns(workflowArtifacts), headRef: workflowRuns.headRef, headSha: workflowRuns.headSha };
  const newestFirst = [desc(workflowRuns.createdAt), desc(workflowRuns.id), desc(workflowArtifacts.id)] as const;
  const ofRepo = eq(workflowRuns.repoId, param("repoId"));
  const named = and(ofRepo, eq(workflowArtifacts.name, param("name")));
  const join = () => db.select(withRun).from(workflowRuns).innerJoin(workflowArtifacts, eq(workflowArtifacts.runId, workflowRuns.id));
  const countJoin = () => db.select({ total: count() }).from(workflowRuns).innerJoin(workflowArtifacts, eq(workflowArtifacts.runId, workflowRuns.id));
  const repoList = preparedOnFirstUse(() => join().where(ofRepo).orderBy(...newestFirst).limit(pageTerm("limit")).offset(pageTerm("offset")).prepare());
  const repoListNamed = preparedOnFirstUse(() => join().where(named).orderBy(...newestFirst).limit(pageTerm("limit")).offset(pageTerm("offset")).prepare());
  const repoTotal = preparedOnFirstUse(() => countJoin().where(ofRepo).prepare());
  const repoTotalNamed = preparedOnFirstUse(() => countJoin().where(named).prepare());
  // No LIMIT, by the primary key: see the runs' byId.
  const one = preparedOnFirstUse(() => join().where(and(ofRepo, eq(workflowArtifacts.id, param("id")))).prepare());

  return {
    /** Artifacts of a run the caller has already found in its repository. */
    listArtifacts(runId: number, page: Slice): { artifacts: WorkflowArtifact[]; total: number } {
      const n = (total.get({ runId }) as { total: number }).total;
      return { artifacts: n > page.offset ? (list.all({ runId, ...page }) as WorkflowArtifact[]) : [], total: n };
    },
    /** A repository's artifacts (those named `name`, if given), newest run first. */
    listRepositoryArtifacts(repoId: number, name: string | undefined, page: Slice): { artifacts: ArtifactRecord[]; total: number } {
      const n = ((name === undefined ? repoTotal.get({ repoId }) : repoTotalNamed.get({ repoId, name })) as { total: number }).total;
      if (n <= page.offset) return { artifacts: [], total: n };
      const rows = name === undefined ? repoList.all({ repoId, ...page }) : repoListNamed.all({ repoId, name, ...page });
      return { artifacts: rows as ArtifactRecord[], total: n };
    },
    /** One artifact of this repository's runs; null for an artifact of any other repository. */
    getArtifact(repoId: number, id: number): ArtifactRecord | null {
      return (one.get({ repoId, id }) as ArtifactRecord | undefined) ?? null;
    },
  };
}
