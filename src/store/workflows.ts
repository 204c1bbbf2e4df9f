// A repository's workflows, by id or by file name (GitHub's `workflow_id` may be either).
import { and, asc, count, eq, or, sql } from "drizzle-orm";
import { workflows } from "../../db/schema.ts";
import type { Workflow } from "../../db/schema.ts";
import { pageTerm, param, preparedOnFirstUse } from "./database.ts";
import type { ServiceDatabase } from "./database.ts";
import type { Slice } from "./runs.ts";

export function workflowQueries(db: ServiceDatabase) {
  const list = preparedOnFirstUse(() => db.select().from(workflows)
    .where(eq(workflows.repoId, param("repoId")))
    .orderBy(asc(workflows.id))
    .limit(pageTerm("limit")).offset(pageTerm("offset"))
    .prepare());
  const total = preparedOnFirstUse(() => db.select({ total: count() }).from(workflows).where(eq(workflows.repoId, param("repoId"))).prepare());
  const byId = preparedOnFirstUse(() => db.select().from(workflows)
    // No LIMIT, by the primary key: see the runs' byId.
    .where(and(eq(workflows.repoId, param("repoId")), eq(workflows.id, param("id"))))
    .prepare());
  const byFile = preparedOnFirstUse(() => db.select().from(workflows)
    .where(and(
      eq(workflows.repoId, param("repoId")),
      // Exact and case-sensitive, as GitHub's: `ci.yml` names `.shithub/workflows/ci.yml`,
      // `CI.yml` does not (LIKE folds ASCII case, and its wildcards would need escaping).
      or(eq(workflows.path, param("path")), sql`substr(${workflows.path}, -length(${param("suffix")})) = ${param("suffix")}`),
    ))
    .orderBy(asc(workflows.id))
    .limit(pageTerm(1)).prepare());

  return {
    listWorkflows(repoId: number, page: Slice): { workflows: Workflow[]; total: number } {
      const n = (total.get({ repoId }) as { total: number }).total;
      return { workflows: n > page.offset ? (list.all({ repoId, ...page }) as Workflow[]) : [], total: n };
    },
    getWorkflow(repoId: number, id: number): Workflow | null {
      return (byId.get({ repoId, id }) as Workflow | undefined) ?? null;
    },
    /** By the file's name (`ci.yml`) or its whole path (`.shithub/workflows/ci.yml`). */
    getWorkflowByFile(repoId: number, file: string): Workflow | null {
      return (byFile.get({ repoId, path: file, suffix: "/" + file }) as Workflow | undefined) ?? null;
    },
  };
}
