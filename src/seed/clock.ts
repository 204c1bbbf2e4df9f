// The fixed clock of the seed: every timestamp is derived from NOW, never from the wall clock,
// so two generations are identical and "expired" means the same thing in every test.

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The moment the seeded forge is looked at: 2026-06-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 5, 1);
/** Runs are spread over the half year before NOW. */
export const RUNS_FROM = NOW - 180 * DAY;
/** The newest runs (still queued, waiting or running) were created in the last hour. */
export const IN_PROGRESS_FROM = NOW - HOUR;

export const utc = (iso: string): number => Date.parse(iso);
