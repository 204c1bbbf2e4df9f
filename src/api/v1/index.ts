// The forge's own contract: GET /api/v1/repos/{owner}/{repo}/actions/runs[/{run_id}[/jobs]].
import { Elysia, t } from "elysia";
import { authPlugin } from "../../auth/plugin.ts";
import { findRun } from "../lookup.ts";
import { baseUrl, listingHeaders } from "../context.ts";
import type { ApiContext } from "../context.ts";
import { RepoParams, RunParams, authResponses } from "../model.ts";
import { linkHeader, pageRequest } from "../pagination.ts";
import { Job, JobsQuery, Run, RunsQuery } from "./model.ts";
import { forgeJob, forgeRun } from "./present.ts";

export function forgeApi(ctx: ApiContext) {
  const { store } = ctx;

  return new Elysia({ prefix: "/api/v1/repos/:owner/:repo/actions", tags: ["forge /api/v1"] })
    .use(authPlugin(store, ctx.now))
    .get("/runs", ({ access, query, request, set }) => {
      const req = pageRequest(query, "WorkflowRun");
      const { runs, total } = store.listRuns(access.repo.id, {
        workflowFile: query.workflow_file,
        headRef: query.head_ref,
        actorLogin: query.actor,
        event: query.event,
        status: query.status,
        conclusion: query.conclusion,
      }, req);
      listingHeaders(set, total, linkHeader(baseUrl(ctx, request), new URL(request.url), req, total));
      return runs.map(forgeRun);
    }, {
      repoAccess: "repo:read",
      params: RepoParams,
      query: RunsQuery,
      response: { 200: t.Array(Run), ...authResponses },
      detail: {
        summary: "List a repository's workflow runs",
        description: "Newest first (ties broken by id). Every filter combines with the others. `X-Total-Count` carries the number of matching runs and `Link` the first/prev/next/last pages.",
      },
    })
    .get("/runs/:run_id", ({ access, params }) => forgeRun(findRun(store, access.repo.id, params.run_id)), {
      repoAccess: "repo:read",
      params: RunParams,
      response: { 200: Run, ...authResponses },
      detail: { summary: "Get a workflow run", description: "A run of another repository answers 404, as a run that does not exist." },
    })
    .get("/runs/:run_id/jobs", ({ access, params, query, request, set }) => {
      const run = findRun(store, access.repo.id, params.run_id);
      const req = pageRequest(query, "WorkflowJob");
      const { jobs, total } = store.listJobs(run.id, run.runAttempt, req);
      listingHeaders(set, total, linkHeader(baseUrl(ctx, request), new URL(request.url), req, total));
      return jobs.map(forgeJob);
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: JobsQuery,
      response: { 200: t.Array(Job), ...authResponses },
      detail: { summary: "List a workflow run's jobs", description: "Jobs of the run's latest attempt, in job_index order, with the needs_jobs graph." },
    });
}
