// GET …/runs/{id}/timing: how long the run took, from its own start and end (or until now,
// for a run still going). The forge bills nothing, so `billable` is empty.
import { Elysia } from "elysia";
import type { RunRecord } from "../../store/index.ts";
import { repositoryAccess } from "../repository-access.ts";
import { authResponses } from "../model.ts";
import { findRun } from "../lookup.ts";
import { routeDoc } from "./docs.ts";
import { RunParams } from "./model.ts";

export function runDurationMs(run: RunRecord, now: number): number {
  if (run.startedAt === null) return 0;
  return Math.max(0, (run.completedAt ?? (run.status === "completed" ? run.updatedAt : now)) - run.startedAt);
}

export function timingRoutes(prefix: string) {
  return new Elysia()
    .use(repositoryAccess)
    .get("/repos/:owner/:repo/actions/runs/:run_id/timing", ({ access, ctx, params }) => {
      const run = findRun(ctx, access.repo.id, params.run_id);
      return { billable: {}, run_duration_ms: runDurationMs(run, ctx.now) };
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      response: authResponses,
      detail: routeDoc(prefix, "Get workflow run usage", "`run_duration_ms` from the run's start to its end (or to now); `billable` is empty: the forge bills nothing."),
    });
}
