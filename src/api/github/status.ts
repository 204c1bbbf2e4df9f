// The forge's status vocabulary in GitHub's words, both ways: `running` is GitHub's
// `in_progress`, and GitHub's `status` filter takes a status or a conclusion.
import type { RunStatus } from "../../../db/schema.ts";
import type { RunFilter } from "../../store/index.ts";

export const githubStatuses = ["queued", "in_progress", "completed", "waiting", "requested", "pending"] as const;
export const githubConclusions = [
  "action_required", "cancelled", "failure", "neutral", "skipped", "stale", "success", "timed_out", "startup_failure",
] as const;

/** Every value GitHub's `status` query parameter accepts (gh also sends `startup_failure`). */
export const statusFilterValues = [...githubStatuses, ...githubConclusions] as const;
export type StatusFilterValue = (typeof statusFilterValues)[number];

export type GithubStatus = (typeof githubStatuses)[number];

export function githubStatus(status: RunStatus): Exclude<GithubStatus, "requested" | "pending"> {
  return status === "running" ? "in_progress" : status;
}

/** A step's status (the forge has no `waiting` step). */
export function githubStepStatus(status: "queued" | "running" | "completed"): "queued" | "in_progress" | "completed" {
  return status === "running" ? "in_progress" : status;
}

const forgeStatusOf: Partial<Record<GithubStatus, RunStatus>> = {
  queued: "queued", in_progress: "running", completed: "completed", waiting: "waiting",
};

/**
 * The run filter for a `status` value, or null when the value is valid on GitHub but names a
 * state the forge never records (`requested`, `pending`): such a filter matches no run.
 */
export function statusFilter(value: StatusFilterValue): Pick<RunFilter, "status" | "conclusion"> | null {
  if ((githubStatuses as readonly string[]).includes(value)) {
    const status = forgeStatusOf[value as GithubStatus];
    return status ? { status } : null;
  }
  return { conclusion: value };
}
