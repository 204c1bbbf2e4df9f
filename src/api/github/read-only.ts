// GitHub's Actions write routes (re-run, cancel, approve, delete, dispatch, enable, …): this
// surface only reads, and says so. Each runs the auth chain first, so a repository the token
// may not read is still the 404 of a missing one; then 405 with `Allow: GET, HEAD` and a
// message that names where the forge's own lifecycle routes are, when --lifecycle-url says.
import { Elysia } from "elysia";
import { ApiError } from "../../errors.ts";
import { repositoryAccess } from "../repository-access.ts";
import type { ApiSettings } from "../settings.ts";
import { authResponses } from "../model.ts";
import { routeDoc } from "./docs.ts";

type Method = "POST" | "PUT" | "DELETE";

/** Under /repos/{owner}/{repo}/actions: GitHub's routes that change a run, a job, a workflow or an artifact. */
export const writeRoutes: readonly [Method, string, string][] = [
  ["POST", "/runs/:run_id/rerun", "Re-run a workflow"],
  ["POST", "/runs/:run_id/rerun-failed-jobs", "Re-run failed jobs from a workflow run"],
  ["POST", "/runs/:run_id/cancel", "Cancel a workflow run"],
  ["POST", "/runs/:run_id/force-cancel", "Force cancel a workflow run"],
  ["POST", "/runs/:run_id/approve", "Approve a workflow run for a fork pull request"],
  ["POST", "/runs/:run_id/pending_deployments", "Review pending deployments for a workflow run"],
  ["POST", "/runs/:run_id/deployment_protection_rule", "Review custom deployment protection rules for a workflow run"],
  ["DELETE", "/runs/:run_id", "Delete a workflow run"],
  ["DELETE", "/runs/:run_id/logs", "Delete workflow run logs"],
  ["POST", "/jobs/:job_id/rerun", "Re-run a job from a workflow run"],
  ["POST", "/workflows/:workflow_id/dispatches", "Create a workflow dispatch event"],
  ["PUT", "/workflows/:workflow_id/enable", "Enable a workflow"],
  ["PUT", "/workflows/:workflow_id/disable", "Disable a workflow"],
  ["DELETE", "/artifacts/:artifact_id", "Delete an artifact"],
];

export function readOnlyMessage(lifecycleUrl: string | undefined): string {
  const where = lifecycleUrl ? `the forge's own Actions lifecycle routes do that: ${lifecycleUrl}` : "the forge's own Actions lifecycle routes do that";
  return `This API is read-only: it cannot re-run, cancel, approve or delete workflow runs, nor dispatch, enable or disable workflows; ${where}`;
}

export function readOnlyRoutes(settings: ApiSettings, prefix: string) {
  const refusal = () => {
    throw new ApiError("method_not_allowed", readOnlyMessage(settings.lifecycleUrl), { headers: { allow: "GET, HEAD" } });
  };
  let app = new Elysia().use(repositoryAccess);
  for (const [method, path, summary] of writeRoutes) {
    // No body parsing: a body is never read, and must not be judged before the auth chain.
    app = app.route(method, `/repos/:owner/:repo/actions${path}`, refusal, {
      repoAccess: "repo:read",
      parse: "none",
      response: authResponses,
      detail: routeDoc(prefix, summary, "Read-only: 405 after the auth chain."),
    }) as unknown as typeof app;
  }
  return app;
}
