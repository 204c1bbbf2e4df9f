// A run's artifacts (their records: the files themselves are not held here).
import { Elysia } from "elysia";
import { repositoryAccess } from "../repository-access.ts";
import type { ApiSettings } from "../settings.ts";
import { authResponses } from "../model.ts";
import { pageHeaders, pageRequest } from "../pagination.ts";
import { routeDoc } from "./docs.ts";
import { findRun } from "../lookup.ts";
import { PageOnlyQuery, RunParams } from "./model.ts";
import { artifact } from "./present/artifact.ts";
import { repositoryView } from "./present/repository.ts";
import { surfaceUrls } from "./urls.ts";

export function artifactRoutes(settings: ApiSettings, prefix: string) {
  return new Elysia()
    .use(repositoryAccess)
    .get("/repos/:owner/:repo/actions/runs/:run_id/artifacts", ({ access, ctx, params, query, set }) => {
      const run = findRun(ctx.store, access.repo.id, params.run_id);
      const page = pageRequest(query, "Artifact");
      const { artifacts, total } = ctx.store.listArtifacts(run.id, page);
      const surface = surfaceUrls(settings, ctx, prefix);
      // gh passes artifact `next` links straight to its HTTP client: they must be absolute (they are).
      pageHeaders(set, surface.web, ctx.url, page, total);
      const view = repositoryView(access.repo, surface);
      // `expired` turns true with the clock alone.
      for (const a of artifacts) if (a.expiresAt !== null && a.expiresAt > ctx.now) ctx.trueUntil = Math.min(ctx.trueUntil, a.expiresAt);
      return { total_count: total, artifacts: artifacts.map((a) => artifact(a, run, view, ctx.now)) };
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: PageOnlyQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List workflow run artifacts"),
    });
}
