// GET /repos/{owner}/{repo}: the first call of nearly every client (PyGithub's get_repo,
// Octokit's repos.get). The same auth chain as the runs (token, scope, ActionRepoRead: a
// repository the token may not read is the same 404 as one that does not exist), run here
// rather than by the repoAccess macro: `permissions` are the caller's own, so this answer
// must not be remembered for whoever else may read the repository.
import { Elysia } from "elysia";
import { resolveAccess } from "../../auth/access.ts";
import { permissionOn } from "../../auth/permissions.ts";
import { contextOf } from "../request-context.ts";
import type { ApiSettings } from "../settings.ts";
import { RepoParams, authResponses } from "../model.ts";
import { routeDoc } from "./docs.ts";
import { fullRepository } from "./present/full-repository.ts";
import { repositoryView } from "./present/repository.ts";
import { surfaceUrls } from "./urls.ts";

export function repositoryRoutes(settings: ApiSettings, prefix: string) {
  return new Elysia()
    .get("/repos/:owner/:repo", ({ params, request, set }) => {
      const ctx = contextOf(request);
      const access = resolveAccess(ctx.store, ctx.authentication, params.owner ?? "", params.repo ?? "", "repo:read", ctx.factsVersion);
      set.headers["x-oauth-scopes"] = access.user.scopes.join(", ");
      const view = repositoryView(access.repo, surfaceUrls(settings, ctx, prefix));
      return fullRepository(view, permissionOn(access.user, access.repo, ctx.store));
    }, {
      params: RepoParams,
      response: authResponses,
      detail: routeDoc(prefix, "Get a repository",
        "GitHub's `full-repository`, from what the forge holds; `permissions` are the token holder's on the forge."),
    });
}
