// The forge's /api/v1 shapes (../shared/seed contract), from the query layer's records.
import type { WorkflowJob } from "../../../db/schema.ts";
import type { RunRecord } from "../../store/index.ts";
import { isoSeconds } from "../time.ts";

export function forgeRun(run: RunRecord) {
  return {
    id: run.id,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    workflow_file: run.workflowFile,
    workflow_name: run.workflowName,
    display_title: run.displayTitle,
    head_sha: run.headSha,
    head_ref: run.headRef,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    actor_id: run.actorId,
    actor_username: run.actor?.login ?? null,
    started_at: isoSeconds(run.startedAt),
    completed_at: isoSeconds(run.completedAt),
    created_at: isoSeconds(run.createdAt)!,
    updated_at: isoSeconds(run.updatedAt)!,
  };
}

export function forgeJob(job: WorkflowJob) {
  return {
    id: job.id,
    run_id: job.runId,
    run_attempt: job.runAttempt,
    job_index: job.jobIndex,
    job_key: job.jobKey,
    job_name: job.jobName,
    runs_on: job.runsOn,
    status: job.status,
    conclusion: job.conclusion,
    cancel_requested: job.cancelRequested,
    needs_jobs: job.needsJobs,
    started_at: isoSeconds(job.startedAt),
    completed_at: isoSeconds(job.completedAt),
    created_at: isoSeconds(job.createdAt)!,
  };
}
