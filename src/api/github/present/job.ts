// GitHub's `job` (a check run) from a forge job, its steps, and the run it belongs to.
import type { WorkflowJob, WorkflowStep } from "../../../../db/schema.ts";
import type { RunRecord } from "../../../store/index.ts";
import { isoSeconds } from "../../time.ts";
import { nodeId } from "../node-id.ts";
import { githubStatus, githubStepStatus } from "../status.ts";
import type { RepositoryView } from "./repository.ts";

function step(s: WorkflowStep) {
  return {
    name: s.name,
    status: githubStepStatus(s.status),
    conclusion: s.conclusion,
    number: s.number,
    started_at: isoSeconds(s.startedAt),
    completed_at: isoSeconds(s.completedAt),
  };
}

export function job(j: WorkflowJob, run: RunRecord, steps: readonly WorkflowStep[], view: RepositoryView) {
  const api = view.urls.api;
  return {
    id: j.id,
    run_id: j.runId,
    run_url: `${api}/actions/runs/${j.runId}`,
    run_attempt: j.runAttempt,
    node_id: nodeId("CheckRun", j.id),
    head_sha: run.headSha,
    url: `${api}/actions/jobs/${j.id}`,
    html_url: `${view.urls.web}/actions/runs/${j.runId}/job/${j.id}`,
    status: githubStatus(j.status),
    conclusion: j.conclusion,
    created_at: isoSeconds(j.createdAt)!,
    // The schema has no null here; like GitHub, a job that has not started yet reports the time it was queued.
    started_at: isoSeconds(j.startedAt ?? j.createdAt)!,
    completed_at: isoSeconds(j.completedAt),
    name: j.jobName,
    steps: steps.map(step),
    check_run_url: `${api}/check-runs/${j.id}`,
    labels: [j.runsOn],
    runner_id: null,
    runner_name: j.runnerName,
    runner_group_id: null,
    runner_group_name: null,
    workflow_name: run.workflowName,
    head_branch: run.headRef,
  };
}

export type JobObject = ReturnType<typeof job>;
