// A run's artifacts (their records: the files themselves are not held here).
import { Elysia } from "elysia";
import { authPlugin } from "../../auth/plugin.ts";
import type { ApiContext } from "../context.ts";
import { authResponses } from "../model.ts";
import { linkHeader, pageRequest } from "../pagination.ts";
import { routeDoc } from "./docs.ts";
import { findRun } from "../lookup.ts";
import { PageOnlyQuery, RunParams } from "./model.ts";
import { artifact } from "./present/artifact.ts";
import { repositoryView } from "./present/repository.ts";
import { surfaceUrls } from "./urls.ts";

export function artifactRoutes(ctx: ApiContext, prefix: string) {
  const { store } = ctx;
  return new Elysia()
    .use(authPlugin(store, ctx.now))
    .get("/repos/:owner/:repo/actions/runs/:run_id/artifacts", ({ access, params, query, request, set }) => {
      const run = findRun(store, access.repo.id, params.run_id);
      const page = pageRequest(query, "Artifact");
      const { artifacts, total } = store.listArtifacts(run.id, page);
      const surface = surfaceUrls(ctx, request, prefix);
      // gh passes artifact `next` links straight to its HTTP client: they must be absolute (they are).
      const link = linkHeader(surface.web, new URL(request.url), page, total);
      if (link) set.headers["link"] = link;
      const view = repositoryView(access.repo, surface);
      const now = ctx.now();
      return { total_count: total, artifacts: artifacts.map((a) => artifact(a, run, view, now)) };
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: PageOnlyQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List workflow run artifacts"),
    });
}
