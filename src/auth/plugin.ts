// The auth chain as an Elysia macro: a route says `{ repoAccess: "repo:read" }` and its
// handler receives `access`. The chain runs at `transform`, which Elysia runs before it
// validates params and query (a `resolve` would run after, turning a 401 into a 422).
import { Elysia } from "elysia";
import type { Store } from "../store/index.ts";
import { resolveAccess } from "./access.ts";
import type { Access } from "./access.ts";
import type { Scope } from "./scopes.ts";

const resolved = new WeakMap<Request, Access>();

export function authPlugin(store: Store, now: () => number) {
  return new Elysia({ name: "auth" }).macro({
    repoAccess: (scope: Scope) => ({
      transform({ request, params, set }) {
        const { owner, repo } = params as Record<string, string>;
        const access = resolveAccess(store, request.headers.get("authorization"), owner ?? "", repo ?? "", scope, now());
        set.headers["x-oauth-scopes"] = access.user.scopes.join(", ");
        resolved.set(request, access);
      },
      resolve({ request }) {
        return { access: resolved.get(request)! };
      },
    }),
  });
}
