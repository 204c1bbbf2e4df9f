// Jobs with their steps: a run's (latest attempt, or every attempt), one attempt's, and one job.
import { Elysia } from "elysia";
import { repositoryAccess } from "../repository-access.ts";
import type { Access } from "../../auth/access.ts";
import type { AttemptSelector, RunRecord } from "../../store/index.ts";
import { ApiError } from "../../errors.ts";
import type { ApiSettings } from "../settings.ts";
import { authResponses, parseId } from "../model.ts";
import { pageHeaders, pageRequest } from "../pagination.ts";
import type { RequestContext } from "../request-context.ts";
import { routeDoc } from "./docs.ts";
import { findAttempt, findRun } from "../lookup.ts";
import { AttemptParams, JobParams, JobsQuery, PageOnlyQuery, RunParams } from "./model.ts";
import { job } from "./present/job.ts";
import { repositoryView } from "./present/repository.ts";
import { surfaceUrls } from "./urls.ts";

export function jobRoutes(settings: ApiSettings, prefix: string) {
  const listing = (
    access: Access, ctx: RequestContext, run: RunRecord, attempt: AttemptSelector,
    query: { page?: string; per_page?: string }, set: { headers: Record<string, unknown> },
  ) => {
    const page = pageRequest(query, "WorkflowJob");
    const { jobs, total } = ctx.store.listJobs(run.id, attempt, page);
    const surface = surfaceUrls(settings, ctx, prefix);
    pageHeaders(set, surface.origin, ctx.url, page, total);
    const view = repositoryView(access.repo, surface);
    const steps = ctx.store.stepsOf(jobs.map((j) => j.id));
    return { total_count: total, jobs: jobs.map((j) => job(j, run, steps.get(j.id) ?? [], view)) };
  };

  return new Elysia()
    .use(repositoryAccess)
    .get("/repos/:owner/:repo/actions/runs/:run_id/jobs", ({ access, ctx, params, query, set }) => {
      const run = findRun(ctx, access.repo.id, params.run_id);
      return listing(access, ctx, run, query.filter === "all" ? "all" : run.runAttempt, query, set);
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: JobsQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List jobs for a workflow run", "`filter=latest` (default) lists the latest attempt's jobs, `filter=all` every attempt's."),
    })
    .get("/repos/:owner/:repo/actions/runs/:run_id/attempts/:attempt_number/jobs", ({ access, ctx, params, query, set }) => {
      const run = findRun(ctx, access.repo.id, params.run_id);
      return listing(access, ctx, run, findAttempt(run, params.attempt_number), query, set);
    }, {
      repoAccess: "repo:read",
      params: AttemptParams,
      query: PageOnlyQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List jobs for a workflow run attempt"),
    })
    .get("/repos/:owner/:repo/actions/jobs/:job_id", ({ access, ctx, params }) => {
      const { store } = ctx;
      const id = parseId(params.job_id);
      const found = id === null ? null : store.getJob(access.repo.id, id);
      const run = found && store.getRun(access.repo.id, found.runId, ctx.dataVersion);
      if (!found || !run) throw ApiError.notFound();
      const view = repositoryView(access.repo, surfaceUrls(settings, ctx, prefix));
      return job(found, run, store.stepsOf([found.id]).get(found.id) ?? [], view);
    }, {
      repoAccess: "repo:read",
      params: JobParams,
      response: authResponses,
      detail: routeDoc(prefix, "Get a job for a workflow run", "A job of another repository is a 404."),
    });
}
