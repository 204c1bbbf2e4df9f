// Raw SQL over the seeded file about one repository: the independent answers the gh, Octokit
// and GitHub-surface tests hold the API's to.
import type { Database } from "bun:sqlite";
import { oracle } from "./db.ts";

export interface RepoOracle {
  sql: Database;
  repoId: number;
  /** The repository's run ids matching a condition, newest first (the API's order). */
  runIds(where?: string, ...params: (string | number)[]): number[];
  /** A run's job ids matching a condition, by attempt, then in job_index order. */
  jobIds(runId: number, where?: string): number[];
  /** A job's step names, in order. */
  stepNames(jobId: number): string[];
}

export async function repoOracle(owner = "alice", name = "hello-world"): Promise<RepoOracle> {
  const sql = await oracle();
  const repoId = sql.query<{ id: number }, [string, string]>(
    "SELECT r.id FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE a.login = ? AND r.name = ?",
  ).get(owner, name)!.id;
  return {
    sql,
    repoId,
    runIds: (where = "1", ...params) => sql.query<{ id: number }, (string | number)[]>(
      `SELECT id FROM workflow_runs WHERE repo_id = ? AND (${where}) ORDER BY created_at DESC, id DESC`,
    ).all(repoId, ...params).map((r) => r.id),
    jobIds: (runId, where = "1") => sql.query<{ id: number }, [number]>(
      `SELECT id FROM workflow_jobs WHERE run_id = ? AND (${where}) ORDER BY run_attempt, job_index`,
    ).all(runId).map((j) => j.id),
    stepNames: (jobId) => sql.query<{ name: string }, [number]>(
      "SELECT name FROM workflow_steps WHERE job_id = ? ORDER BY number",
    ).all(jobId).map((s) => s.name),
  };
}
