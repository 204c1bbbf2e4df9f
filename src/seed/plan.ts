// What the run stream needs to know about each repository and workflow before it emits runs.
// Small (one entry per repository and per workflow), so it stays in memory for the whole run.
import type { WorkflowState } from "../../db/schema.ts";
import type { RunEvent, WorkflowKind } from "./vocabulary.ts";

export interface WorkflowPlan {
  id: number;
  repoId: number;
  path: string;
  /** The current name; runs created before renamedAt carry previousName. */
  name: string;
  previousName: string | null;
  renamedAt: number | null;
  state: WorkflowState;
  kind: WorkflowKind;
  on: readonly RunEvent[];
  createdAt: number;
  /** Disabled or deleted from this moment: no runs after it. */
  activeUntil: number | null;
  nextRunNumber: number;
}

/** A run whose outcome is fixed in advance (the demo fixtures' guaranteed cases). */
export interface ForcedOutcome {
  status?: "queued" | "waiting" | "running" | "completed";
  conclusion?: string;
  attempts?: number;
}

export interface RepoPlan {
  id: number;
  fullName: string;
  defaultBranch: string;
  workflows: WorkflowPlan[];
  /** Who pushes, opens pull requests and re-runs; null is a deleted account. Repeats weigh. */
  actors: readonly (number | null)[];
  /** Runs this repository gets. */
  runs: number;
  /** Runs are created in [runsFrom, runsUntil); the newest inProgressTail of them in the last hour. */
  runsFrom: number;
  runsUntil: number;
  inProgressTail: number;
  /** Outcomes by the run's place in the repository's own sequence (0 = its oldest run). */
  forced?: ReadonlyMap<number, ForcedOutcome>;
}

export const workflowNameAt = (w: WorkflowPlan, at: number): string =>
  w.previousName !== null && w.renamedAt !== null && at < w.renamedAt ? w.previousName : w.name;

export const isActiveAt = (w: WorkflowPlan, at: number): boolean =>
  w.createdAt <= at && (w.activeUntil === null || at < w.activeUntil);
