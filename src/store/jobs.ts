// A run's jobs and their steps. Jobs come in job_index order (the workflow's declared graph);
// re-runs add a new set of jobs per attempt, and the earlier attempts' jobs stay.
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { workflowJobs, workflowRuns, workflowSteps } from "../../db/schema.ts";
import type { WorkflowJob, WorkflowStep } from "../../db/schema.ts";
import { pageTerm, param, preparedOnFirstUse } from "./database.ts";
import type { ServiceDatabase } from "./database.ts";
import { rowReader } from "./row-reader.ts";
import type { Slice } from "./runs.ts";

/** Which attempt's jobs: one attempt by number, or every attempt in order. */
export type AttemptSelector = number | "all";

const jobRows = rowReader(workflowJobs);
const stepRows = rowReader(workflowSteps);
const jobs = (rows: unknown) => (rows as unknown[][]).map((row) => jobRows.read(row));
const steps = (rows: unknown) => (rows as unknown[][]).map((row) => stepRows.read(row));

export function jobQueries(db: ServiceDatabase) {
  const ofAttempt = preparedOnFirstUse(() => db.select().from(workflowJobs)
    .where(and(eq(workflowJobs.runId, param("runId")), eq(workflowJobs.runAttempt, param("attempt"))))
    .orderBy(asc(workflowJobs.jobIndex))
    .limit(pageTerm("limit")).offset(pageTerm("offset"))
    .prepare());
  const countOfAttempt = preparedOnFirstUse(() => db.select({ total: count() }).from(workflowJobs)
    .where(and(eq(workflowJobs.runId, param("runId")), eq(workflowJobs.runAttempt, param("attempt"))))
    .prepare());
  const ofAll = preparedOnFirstUse(() => db.select().from(workflowJobs)
    .where(eq(workflowJobs.runId, param("runId")))
    .orderBy(asc(workflowJobs.runAttempt), asc(workflowJobs.jobIndex))
    .limit(pageTerm("limit")).offset(pageTerm("offset"))
    .prepare());
  const countOfAll = preparedOnFirstUse(() => db.select({ total: count() }).from(workflowJobs)
    .where(eq(workflowJobs.runId, param("runId")))
    .prepare());
  // A job is reached through its run, so that a job id of another repository does not exist here.
  const byId = preparedOnFirstUse(() => db.select({ job: workflowJobs }).from(workflowJobs)
    .innerJoin(workflowRuns, eq(workflowRuns.id, workflowJobs.runId))
    .where(and(eq(workflowJobs.id, param("jobId")), eq(workflowRuns.repoId, param("repoId"))))
    // No LIMIT, by the primary key: see the runs' byId.
    .prepare());
  const stepsOfJob = preparedOnFirstUse(() => db.select().from(workflowSteps)
    .where(eq(workflowSteps.jobId, param("jobId")))
    .orderBy(asc(workflowSteps.number))
    .prepare());
  // Several jobs' steps in one prepared statement: the ids go in as one JSON array.
  const stepsOfJobs = preparedOnFirstUse(() => db.select().from(workflowSteps)
    .where(inArray(workflowSteps.jobId, sql`(SELECT value FROM json_each(${param("jobIds")}))`))
    .orderBy(asc(workflowSteps.jobId), asc(workflowSteps.number))
    .prepare());

  return {
    listJobs(runId: number, attempt: AttemptSelector, page: Slice): { jobs: WorkflowJob[]; total: number } {
      if (attempt === "all") {
        const total = (countOfAll.get({ runId }) as { total: number }).total;
        return { jobs: total > page.offset ? jobs(ofAll.values({ runId, ...page })) : [], total };
      }
      const total = (countOfAttempt.get({ runId, attempt }) as { total: number }).total;
      return { jobs: total > page.offset ? jobs(ofAttempt.values({ runId, attempt, ...page })) : [], total };
    },
    /** The job with this id if its run belongs to this repository. */
    getJob(repoId: number, jobId: number): WorkflowJob | null {
      const row = (byId.values({ jobId, repoId }) as unknown[][])[0];
      return row === undefined ? null : jobRows.read(row);
    },
    /** Steps of each job, in execution order, keyed by job id. */
    stepsOf(jobIds: readonly number[]): Map<number, WorkflowStep[]> {
      const byJob = new Map<number, WorkflowStep[]>(jobIds.map((id) => [id, []]));
      if (jobIds.length === 1) {
        byJob.set(jobIds[0]!, steps(stepsOfJob.values({ jobId: jobIds[0] })));
      } else if (jobIds.length > 1) {
        for (const step of steps(stepsOfJobs.values({ jobIds: JSON.stringify(jobIds) }))) byJob.get(step.jobId)!.push(step);
      }
      return byJob;
    },
  };
}
