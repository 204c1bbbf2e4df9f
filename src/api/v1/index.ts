// The forge's own contract: GET /api/v1/repos/{owner}/{repo}/actions/runs[/{run_id}[/jobs]].
import { Elysia, t } from "elysia";
import { repositoryAccess } from "../repository-access.ts";
import { findRun } from "../lookup.ts";
import { baseUrl } from "../settings.ts";
import type { ApiSettings } from "../settings.ts";
import { RepoParams, RunParams, authResponses } from "../model.ts";
import { pageHeaders, pageRequest } from "../pagination.ts";
import { Job, JobsQuery, Run, RunsQuery } from "./model.ts";
import { forgeJob, forgeRun } from "./present.ts";

/**
 * A 200's schema, for the OpenAPI document and not checked on each answer: Elysia's check of a
 * runs page (every field, four date-times parsed per run) was a third of a computed page's time
 * (344 against 226 µs in the process). The presenters (present.ts) build exactly these shapes,
 * and tests/surface/api-v1-shapes.test.ts holds every answer over the demo data to the document.
 * The document carries the keyword (OpenAPI 3.1's schemas are JSON Schema, open to others).
 */
const unchecked = { noValidate: true } as const;

export function forgeApi(settings: ApiSettings) {
  return new Elysia({ prefix: "/api/v1/repos/:owner/:repo/actions", tags: ["forge /api/v1"] })
    .use(repositoryAccess)
    .get("/runs", ({ access, ctx, query, set }) => {
      const req = pageRequest(query, "WorkflowRun");
      const { runs, total } = ctx.store.listRuns(access.repo.id, {
        workflowFile: query.workflow_file,
        headRef: query.head_ref,
        actorLogin: query.actor,
        event: query.event,
        status: query.status,
        conclusion: query.conclusion,
      }, req, ctx.dataVersion);
      pageHeaders(set, baseUrl(settings, ctx), ctx.url, req, total, true);
      return runs.map(forgeRun);
    }, {
      repoAccess: "repo:read",
      params: RepoParams,
      query: RunsQuery,
      response: { 200: t.Array(Run, unchecked), ...authResponses },
      detail: {
        summary: "List a repository's workflow runs",
        description: "Newest first (ties broken by id). Every filter combines with the others. `X-Total-Count` carries the number of matching runs and `Link` the first/prev/next/last pages.",
      },
    })
    .get("/runs/:run_id", ({ access, ctx, params }) => forgeRun(findRun(ctx, access.repo.id, params.run_id)), {
      repoAccess: "repo:read",
      params: RunParams,
      response: { 200: t.Composite([Run], { ...unchecked, title: "ForgeRun" }), ...authResponses },
      detail: { summary: "Get a workflow run", description: "A run of another repository answers 404, as a run that does not exist." },
    })
    .get("/runs/:run_id/jobs", ({ access, ctx, params, query, set }) => {
      const run = findRun(ctx, access.repo.id, params.run_id);
      const req = pageRequest(query, "WorkflowJob");
      const { jobs, total } = ctx.store.listJobs(run.id, run.runAttempt, req);
      pageHeaders(set, baseUrl(settings, ctx), ctx.url, req, total, true);
      return jobs.map(forgeJob);
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: JobsQuery,
      response: { 200: t.Array(Job, unchecked), ...authResponses },
      detail: { summary: "List a workflow run's jobs", description: "Jobs of the run's latest attempt, in job_index order, with the needs_jobs graph." },
    });
}
