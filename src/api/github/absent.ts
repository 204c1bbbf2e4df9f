// What GitHub serves but the forge's database does not hold: logs and check-run
// annotations. They answer GitHub's 404, after the auth chain like every other route, so
// that gh reports "log not found" and shows no annotations.
import { Elysia } from "elysia";
import { repositoryAccess } from "../repository-access.ts";
import { ApiError } from "../../errors.ts";
import type { ApiSettings } from "../settings.ts";
import { authResponses } from "../model.ts";
import { routeDoc } from "./docs.ts";
import { AttemptParams, CheckRunParams, JobParams, RunParams } from "./model.ts";

const notHeld = (): never => {
  throw ApiError.notFound();
};

export function absentRoutes(prefix: string) {
  const guarded = { repoAccess: "repo:read" as const, response: authResponses };
  const doc = (summary: string) => routeDoc(prefix, summary, "Not held by this service: always 404.");
  return new Elysia()
    .use(repositoryAccess)
    .get("/repos/:owner/:repo/actions/runs/:run_id/logs", notHeld, { ...guarded, params: RunParams, detail: doc("Download workflow run logs") })
    .get("/repos/:owner/:repo/actions/runs/:run_id/attempts/:attempt_number/logs", notHeld,
      { ...guarded, params: AttemptParams, detail: doc("Download workflow run attempt logs") })
    .get("/repos/:owner/:repo/actions/jobs/:job_id/logs", notHeld, { ...guarded, params: JobParams, detail: doc("Download job logs") })
    .get("/repos/:owner/:repo/check-runs/:check_run_id/annotations", notHeld,
      { ...guarded, params: CheckRunParams, detail: doc("List check run annotations") });
}
