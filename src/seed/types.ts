// The contract between the seed generator and whatever stores its rows (SQLite file,
// PostgreSQL, a test's in-memory list). Runtime-neutral: no driver types leak in here.
import type { ForgeTable } from "../../db/schema.ts";

export type { ForgeTable };

/**
 * One row of a forge table, keyed by its snake_case column name. Timestamps are
 * milliseconds since the Unix epoch (UTC), arrays are string[], booleans are boolean:
 * each sink converts to its own storage (JSON text and 0/1 for SQLite, text[] for PostgreSQL).
 */
export type Row = Record<string, string | number | boolean | null | string[]>;

/**
 * Receives rows table by table, in batches. Every row a batch refers to (a run's repository,
 * a job's run) was written in an earlier call, so a sink with foreign keys can insert as it goes.
 * Every row of one table carries the same columns in the same order.
 */
export interface RowSink {
  write(table: ForgeTable, rows: Row[]): void | Promise<void>;
}

/** A count to draw per item: the average, and the most any single item gets. */
export interface CountSpread {
  mean: number;
  max: number;
}

export interface SeedOptions {
  /** Generated repositories, besides the demo fixtures. The first one is the monorepo. */
  repos: number;
  /** Generated workflow runs, besides the demo fixtures' runs. The monorepo gets 20% of them. */
  runs: number;
  /** PRNG seed of the generated part; the demo fixtures are the same for every seed. */
  seed: number;
  /** Jobs per run attempt (default mean 2.5, max 8). */
  jobsPerRun?: CountSpread;
  /** Steps per job that ran (default mean 4.5, max 10; never fewer than 3). */
  stepsPerJob?: CountSpread;
  /** Rows per sink.write call (default 2,000). */
  batchSize?: number;
}

export interface SeedSummary {
  /** Rows written, per table. */
  rows: Record<ForgeTable, number>;
  /** The generated monorepo (first generated repository), if any repository was generated. */
  monorepo: { id: number; fullName: string; runs: number } | null;
  fixtureRuns: number;
  generatedRuns: number;
}

export const defaultJobsPerRun: CountSpread = { mean: 2.5, max: 8 };
export const defaultStepsPerJob: CountSpread = { mean: 4.5, max: 10 };
export const defaultBatchSize = 2_000;
/** The monorepo's share of the generated runs. */
export const monorepoShare = 0.2;
