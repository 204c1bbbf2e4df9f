import { asc, count, eq, sql } from "drizzle-orm";
import { workflowArtifacts } from "../../db/schema.ts";
import type { WorkflowArtifact } from "../../db/schema.ts";
import type { ServiceDatabase } from "./database.ts";
import type { Slice } from "./runs.ts";

const p = (name: string) => sql.placeholder(name);

export function artifactQueries(db: ServiceDatabase) {
  const list = db.select().from(workflowArtifacts)
    .where(eq(workflowArtifacts.runId, p("runId")))
    .orderBy(asc(workflowArtifacts.id))
    .limit(p("limit")).offset(p("offset"))
    .prepare();
  const total = db.select({ total: count() }).from(workflowArtifacts)
    .where(eq(workflowArtifacts.runId, p("runId"))).prepare();
  return {
    /** Artifacts of a run the caller has already found in its repository. */
    listArtifacts(runId: number, page: Slice): { artifacts: WorkflowArtifact[]; total: number } {
      const n = (total.get({ runId }) as { total: number }).total;
      return { artifacts: n > page.offset ? (list.all({ runId, ...page }) as WorkflowArtifact[]) : [], total: n };
    },
  };
}
