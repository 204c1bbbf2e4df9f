// The demo, as of the day it is served. The seed's clock is fixed (clock.ts: NOW), so that the
// same seed always writes the same data; the embedded demo moves every timestamp forward by
// whole days to the day it is served, so that its newest runs are hours old, its tokens that
// expire in the future still do, and its artifacts have not all expired months ago.
import { DAY, NOW } from "./clock.ts";

/** Every timestamp column of the seeded tables (milliseconds since the epoch). */
const timestampColumns: Record<string, readonly string[]> = {
  accounts: ["suspended_at", "created_at", "updated_at"],
  org_members: ["updated_at"],
  repositories: ["created_at", "updated_at", "deleted_at"],
  repo_collaborators: ["updated_at"],
  personal_access_tokens: ["expires_at", "revoked_at", "created_at", "updated_at"],
  workflows: ["created_at", "updated_at"],
  workflow_runs: ["started_at", "completed_at", "created_at", "updated_at"],
  workflow_jobs: ["started_at", "completed_at", "created_at", "updated_at"],
  workflow_steps: ["started_at", "completed_at", "updated_at"],
  workflow_artifacts: ["expires_at", "created_at", "updated_at"],
};

/** Whole days from the seed's clock to the day `now` falls on; never negative. */
export function daysSinceSeedClock(now: number): number {
  return Math.max(0, Math.floor(now / DAY) - Math.floor(NOW / DAY));
}

/**
 * The statements that move a seeded database `days` days forward. run_days' triggers follow
 * workflow_runs.created_at; the expired fixture token (and any time far in the future) moves
 * with the rest, so every relation between two times, and to the day served, stays as seeded.
 */
export function shiftStatements(days: number): string[] {
  if (days === 0) return [];
  const by = days * DAY;
  return Object.entries(timestampColumns).map(([table, columns]) =>
    `UPDATE ${table} SET ${columns.map((c) => `${c} = ${c} + ${by}`).join(", ")}`);
}
