// Jobs with their steps: a run's (latest attempt, or every attempt), one attempt's, and one job.
import { Elysia } from "elysia";
import { authPlugin } from "../../auth/plugin.ts";
import type { Access } from "../../auth/access.ts";
import type { AttemptSelector, RunRecord } from "../../store/index.ts";
import { ApiError } from "../../errors.ts";
import type { ApiContext } from "../context.ts";
import { authResponses, parseId } from "../model.ts";
import { linkHeader, pageRequest } from "../pagination.ts";
import { routeDoc } from "./docs.ts";
import { findAttempt, findRun } from "../lookup.ts";
import { AttemptParams, JobParams, JobsQuery, PageOnlyQuery, RunParams } from "./model.ts";
import { job } from "./present/job.ts";
import { repositoryView } from "./present/repository.ts";
import { surfaceUrls } from "./urls.ts";

export function jobRoutes(ctx: ApiContext, prefix: string) {
  const { store } = ctx;

  const listing = (
    access: Access, run: RunRecord, attempt: AttemptSelector,
    query: { page?: number; per_page?: number }, request: Request, set: { headers: Record<string, unknown> },
  ) => {
    const page = pageRequest(query, "WorkflowJob");
    const { jobs, total } = store.listJobs(run.id, attempt, page);
    const surface = surfaceUrls(ctx, request, prefix);
    const link = linkHeader(surface.origin, new URL(request.url), page, total);
    if (link) set.headers["link"] = link;
    const view = repositoryView(access.repo, surface);
    const steps = store.stepsOf(jobs.map((j) => j.id));
    return { total_count: total, jobs: jobs.map((j) => job(j, run, steps.get(j.id) ?? [], view)) };
  };

  return new Elysia()
    .use(authPlugin(store, ctx.now))
    .get("/repos/:owner/:repo/actions/runs/:run_id/jobs", ({ access, params, query, request, set }) => {
      const run = findRun(store, access.repo.id, params.run_id);
      return listing(access, run, query.filter === "all" ? "all" : run.runAttempt, query, request, set);
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: JobsQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List jobs for a workflow run", "`filter=latest` (default) lists the latest attempt's jobs, `filter=all` every attempt's."),
    })
    .get("/repos/:owner/:repo/actions/runs/:run_id/attempts/:attempt_number/jobs", ({ access, params, query, request, set }) => {
      const run = findRun(store, access.repo.id, params.run_id);
      return listing(access, run, findAttempt(run, params.attempt_number), query, request, set);
    }, {
      repoAccess: "repo:read",
      params: AttemptParams,
      query: PageOnlyQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List jobs for a workflow run attempt"),
    })
    .get("/repos/:owner/:repo/actions/jobs/:job_id", ({ access, params, request }) => {
      const id = parseId(params.job_id);
      const found = id === null ? null : store.getJob(access.repo.id, id);
      const run = found && store.getRun(access.repo.id, found.runId);
      if (!found || !run) throw ApiError.notFound();
      const view = repositoryView(access.repo, surfaceUrls(ctx, request, prefix));
      return job(found, run, store.stepsOf([found.id]).get(found.id) ?? [], view);
    }, {
      repoAccess: "repo:read",
      params: JobParams,
      response: authResponses,
      detail: routeDoc(prefix, "Get a job for a workflow run", "A job of another repository is a 404."),
    });
}
