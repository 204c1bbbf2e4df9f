// A repository's workflows, listed by page (gh pages by number until a short page) or one
// by id or file name.
import { Elysia } from "elysia";
import { repositoryAccess } from "../repository-access.ts";
import type { ApiSettings } from "../settings.ts";
import { RepoParams, authResponses } from "../model.ts";
import { pageHeaders, pageRequest } from "../pagination.ts";
import { routeDoc } from "./docs.ts";
import { findWorkflow } from "../lookup.ts";
import { PageOnlyQuery, WorkflowParams } from "./model.ts";
import { repositoryView } from "./present/repository.ts";
import { workflow } from "./present/workflow.ts";
import { surfaceUrls } from "./urls.ts";

export function workflowRoutes(settings: ApiSettings, prefix: string) {
  return new Elysia()
    .use(repositoryAccess)
    .get("/repos/:owner/:repo/actions/workflows", ({ access, ctx, query, set }) => {
      const page = pageRequest(query, "Workflow");
      const { workflows, total } = ctx.store.listWorkflows(access.repo.id, page);
      const surface = surfaceUrls(settings, ctx, prefix);
      pageHeaders(set, surface.origin, ctx.url, page, total);
      const view = repositoryView(access.repo, surface);
      return { total_count: total, workflows: workflows.map((w) => workflow(w, view)) };
    }, {
      repoAccess: "repo:read",
      params: RepoParams,
      query: PageOnlyQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List repository workflows"),
    })
    .get("/repos/:owner/:repo/actions/workflows/:workflow_id", ({ access, ctx, params }) => {
      const found = findWorkflow(ctx.store, access.repo.id, params.workflow_id);
      return workflow(found, repositoryView(access.repo, surfaceUrls(settings, ctx, prefix)));
    }, {
      repoAccess: "repo:read",
      params: WorkflowParams,
      response: authResponses,
      detail: routeDoc(prefix, "Get a workflow", "By id or by file name (ci.yml)."),
    });
}
