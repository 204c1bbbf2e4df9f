// A run as it was at an earlier attempt. The forge keeps every attempt's jobs but only the
// latest attempt's run row; an earlier attempt had ended (a run is re-run once completed),
// so its state is read off its own jobs.
import type { WorkflowJob } from "../../../db/schema.ts";
import type { RunRecord } from "../../store/index.ts";

// How a check suite's outcome follows from its check runs': the worst outcome wins, and
// skipped jobs decide only when nothing else ran.
const precedence = ["failure", "cancelled", "action_required", "neutral", "success", "skipped"] as const;

function attemptConclusion(jobs: readonly WorkflowJob[], fallback: string | null): string | null {
  const seen = new Set(jobs.map((j) => (j.conclusion === "timed_out" ? "failure" : j.conclusion)));
  return precedence.find((c) => seen.has(c)) ?? fallback;
}

const earliest = (values: (number | null)[]) => values.reduce<number | null>((a, v) => (v !== null && (a === null || v < a) ? v : a), null);
const latest = (values: (number | null)[]) => values.reduce<number | null>((a, v) => (v !== null && (a === null || v > a) ? v : a), null);

/** The run at `attempt` (1 ≤ attempt ≤ run.runAttempt), given that attempt's jobs. */
export function runAtAttempt(run: RunRecord, attempt: number, jobs: readonly WorkflowJob[]): RunRecord {
  if (attempt === run.runAttempt) return run;
  const completedAt = latest(jobs.map((j) => j.completedAt));
  return {
    ...run,
    runAttempt: attempt,
    status: "completed",
    conclusion: attemptConclusion(jobs, run.conclusion),
    startedAt: earliest(jobs.map((j) => j.startedAt)),
    completedAt,
    updatedAt: latest([completedAt, ...jobs.map((j) => j.updatedAt)]) ?? run.createdAt,
  };
}
