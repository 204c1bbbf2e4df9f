// A repository's workflows, listed by page (gh pages by number until a short page) or one
// by id or file name.
import { Elysia } from "elysia";
import { authPlugin } from "../../auth/plugin.ts";
import type { ApiContext } from "../context.ts";
import { RepoParams, authResponses } from "../model.ts";
import { linkHeader, pageRequest } from "../pagination.ts";
import { routeDoc } from "./docs.ts";
import { findWorkflow } from "../lookup.ts";
import { PageOnlyQuery, WorkflowParams } from "./model.ts";
import { repositoryView } from "./present/repository.ts";
import { workflow } from "./present/workflow.ts";
import { surfaceUrls } from "./urls.ts";

export function workflowRoutes(ctx: ApiContext, prefix: string) {
  const { store } = ctx;
  return new Elysia()
    .use(authPlugin(store, ctx.now))
    .get("/repos/:owner/:repo/actions/workflows", ({ access, query, request, set }) => {
      const page = pageRequest(query, "Workflow");
      const { workflows, total } = store.listWorkflows(access.repo.id, page);
      const surface = surfaceUrls(ctx, request, prefix);
      const link = linkHeader(surface.origin, new URL(request.url), page, total);
      if (link) set.headers["link"] = link;
      const view = repositoryView(access.repo, surface);
      return { total_count: total, workflows: workflows.map((w) => workflow(w, view)) };
    }, {
      repoAccess: "repo:read",
      params: RepoParams,
      query: PageOnlyQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List repository workflows"),
    })
    .get("/repos/:owner/:repo/actions/workflows/:workflow_id", ({ access, params, request }) => {
      const found = findWorkflow(store, access.repo.id, params.workflow_id);
      return workflow(found, repositoryView(access.repo, surfaceUrls(ctx, request, prefix)));
    }, {
      repoAccess: "repo:read",
      params: WorkflowParams,
      response: authResponses,
      detail: routeDoc(prefix, "Get a workflow", "By id or by file name (ci.yml)."),
    });
}
