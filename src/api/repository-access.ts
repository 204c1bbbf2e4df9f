// The auth chain as an Elysia macro: a route says `{ repoAccess: "repo:read" }` and its
// handler receives `access` (the user and the repository) and `ctx` (the request's context).
// The chain runs at `transform`, which Elysia runs before it validates params and query (a
// `resolve` would run after, turning a 401 into a 422).
import { Elysia } from "elysia";
import { resolveAccess } from "../auth/access.ts";
import type { Scope } from "../auth/scopes.ts";
import { contextOf } from "./request-context.ts";

export const repositoryAccess = new Elysia({ name: "repository-access" }).macro({
  repoAccess: (scope: Scope) => ({
    transform({ request, params, set }) {
      const ctx = contextOf(request);
      // A segment Elysia cannot decode (`%`) arrives as null.
      const owner = (params as Record<string, string | null>).owner ?? "";
      const repo = (params as Record<string, string | null>).repo ?? "";
      const access = resolveAccess(ctx.store, ctx.authentication, owner, repo, scope, ctx.factsVersion);
      set.headers["x-oauth-scopes"] = access.user.scopes.join(", ");
      ctx.grant = { access, owner, repo, scope };
    },
    resolve({ request }) {
      const ctx = contextOf(request);
      return { access: ctx.grant!.access, ctx };
    },
  }),
});
