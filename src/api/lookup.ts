// Finding what a path names inside the repository the auth chain resolved, for both API
// surfaces; anything that is not there (or not a valid id) is the same 404.
import type { Workflow } from "../../db/schema.ts";
import { ApiError } from "../errors.ts";
import type { DataVersion, RunRecord, Store } from "../store/index.ts";
import { parseId } from "./model.ts";

/** The run a path names in this repository, read at the request's data version; else the 404. */
export function findRun(ctx: { store: Store; dataVersion: DataVersion }, repoId: number, rawId: string): RunRecord {
  const id = parseId(rawId);
  const run = id === null ? null : ctx.store.getRun(repoId, id, ctx.dataVersion);
  if (!run) throw ApiError.notFound();
  return run;
}

/** An attempt number of this run: from 1 to the run's latest attempt. */
export function findAttempt(run: RunRecord, raw: string): number {
  const n = parseId(raw);
  if (n === null || n > run.runAttempt) throw ApiError.notFound();
  return n;
}

/** GitHub's `workflow_id`: the workflow's numeric id, or its file name (`ci.yml`) or path. */
export function findWorkflow(store: Store, repoId: number, raw: string): Workflow {
  const id = /^[0-9]+$/.test(raw) ? parseId(raw) : null;
  // A NUL names no file (SQLite's C strings would stop at it); a number is only ever an id.
  const found = id !== null ? store.getWorkflow(repoId, id)
    : /^[0-9]+$/.test(raw) || raw === "" || raw.includes("\0") ? null
    : store.getWorkflowByFile(repoId, raw);
  if (!found) throw ApiError.notFound();
  return found;
}
