// Workflow runs: GitHub's listing (for the repository or one workflow), one run, and one
// run as it was at an earlier attempt.
import { Elysia } from "elysia";
import { repositoryAccess } from "../repository-access.ts";
import type { Access } from "../../auth/access.ts";
import { ApiError } from "../../errors.ts";
import type { RunFilter } from "../../store/index.ts";
import type { ApiSettings } from "../settings.ts";
import { JsonWriter } from "../serialized-json.ts";
import { RepoParams, authResponses } from "../model.ts";
import { pageHeaders, pageRequest } from "../pagination.ts";
import type { RequestContext } from "../request-context.ts";
import { runAtAttempt } from "./attempt.ts";
import { parseCreated } from "./created.ts";
import { routeDoc } from "./docs.ts";
import { findAttempt, findRun, findWorkflow } from "../lookup.ts";
import { AttemptParams, RunParams, RunQuery, RunsQuery, WorkflowParams } from "./model.ts";
import { repositoryView } from "./present/repository.ts";
import { workflowRun, workflowRunJson, writeWorkflowRuns } from "./present/run.ts";
import { statusFilter } from "./status.ts";
import { surfaceUrls } from "./urls.ts";

type RunsQueryValue = typeof RunsQuery.static;

function checkSuiteId(raw: string): number {
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : -1;
}

/** GitHub's parameters as a run filter; null when they can match no run at all. */
function runFilter(query: RunsQueryValue): RunFilter | null {
  const filter: RunFilter = {
    actorLogin: query.actor,
    headRef: query.branch,
    event: query.event,
    headSha: query.head_sha,
    // Decimal digits (the schema's); beyond an exact integer it names no run, and matches none.
    runId: query.check_suite_id === undefined ? undefined : checkSuiteId(query.check_suite_id),
  };
  if (query.created !== undefined && query.created.trim() !== "") {
    const range = parseCreated(query.created);
    if (!range) {
      throw ApiError.invalid("WorkflowRun", "created",
        "created must be a date or a range in GitHub's search syntax, e.g. 2024-05-01, >=2024-05-01T10:00:00Z or 2024-05-01..2024-05-31");
    }
    Object.assign(filter, range);
  }
  if (query.status !== undefined) {
    const status = statusFilter(query.status);
    if (status === null) return null;
    Object.assign(filter, status);
  }
  return filter;
}

export function runRoutes(settings: ApiSettings, prefix: string) {
  const listing = (access: Access, ctx: RequestContext, query: RunsQueryValue, set: { headers: Record<string, unknown> }, workflowId?: number) => {
    const page = pageRequest(query, "WorkflowRun");
    const filter = runFilter(query);
    const { runs, total } = filter === null
      ? { runs: [], total: 0 }
      : ctx.store.listRuns(access.repo.id, { ...filter, workflowId }, page, ctx.dataVersion);
    const surface = surfaceUrls(settings, ctx, prefix);
    pageHeaders(set, surface.origin, ctx.url, page, total);
    const view = repositoryView(access.repo, surface);
    const w = new JsonWriter();
    w.write`{"total_count":${total},"workflow_runs":`;
    writeWorkflowRuns(w, runs, view);
    w.literal("}");
    return w.done();
  };

  return new Elysia()
    .use(repositoryAccess)
    .get("/repos/:owner/:repo/actions/runs", ({ access, ctx, query, set }) => listing(access, ctx, query, set), {
      repoAccess: "repo:read",
      params: RepoParams,
      query: RunsQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List workflow runs for a repository",
        "GitHub's `actions/list-workflow-runs-for-repo`: `{total_count, workflow_runs}`, newest first, with a `Link` header. `status` takes a status or a conclusion."),
    })
    .get("/repos/:owner/:repo/actions/workflows/:workflow_id/runs", ({ access, ctx, params, query, set }) => {
      const workflow = findWorkflow(ctx.store, access.repo.id, params.workflow_id);
      return listing(access, ctx, query, set, workflow.id);
    }, {
      repoAccess: "repo:read",
      params: WorkflowParams,
      query: RunsQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List workflow runs for a workflow", "`workflow_id` is the workflow's id or its file name; an unknown workflow is a 404."),
    })
    .get("/repos/:owner/:repo/actions/runs/:run_id", ({ access, ctx, params }) => {
      const run = findRun(ctx, access.repo.id, params.run_id);
      return workflowRunJson(run, repositoryView(access.repo, surfaceUrls(settings, ctx, prefix)));
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: RunQuery,
      response: authResponses,
      detail: routeDoc(prefix, "Get a workflow run"),
    })
    .get("/repos/:owner/:repo/actions/runs/:run_id/attempts/:attempt_number", ({ access, ctx, params }) => {
      const run = findRun(ctx, access.repo.id, params.run_id);
      const attempt = findAttempt(run, params.attempt_number);
      // A run has at most 256 jobs per attempt: one page holds them all.
      const { jobs } = attempt === run.runAttempt ? { jobs: [] } : ctx.store.listJobs(run.id, attempt, { limit: 1000, offset: 0 });
      const view = repositoryView(access.repo, surfaceUrls(settings, ctx, prefix));
      return workflowRun(runAtAttempt(run, attempt, jobs), view, { viaAttempt: true });
    }, {
      repoAccess: "repo:read",
      params: AttemptParams,
      query: RunQuery,
      response: authResponses,
      detail: routeDoc(prefix, "Get a workflow run attempt", "The run as it was at attempt n; an attempt after the latest is a 404."),
    });
}
