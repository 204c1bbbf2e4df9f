// The auth chain as an Elysia macro: a route says `{ repoAccess: "repo:read" }` and its
// handler receives `access`. The chain runs at `transform`, which Elysia runs before it
// validates params and query (a `resolve` would run after, turning a 401 into a 422).
import { Elysia } from "elysia";
import type { Store } from "../store/index.ts";
import { resolveAccess } from "./access.ts";
import type { Access } from "./access.ts";
import type { Scope } from "./scopes.ts";

/** What a request was granted, and what it asked for: the repository as its URL names it, and the scope. */
export interface Grant {
  access: Access;
  owner: string;
  repo: string;
  scope: Scope;
}

const granted = new WeakMap<Request, Grant>();

/** The grant of a request the auth chain admitted; undefined for one it never saw. */
export function grantOf(request: Request): Grant | undefined {
  return granted.get(request);
}

export function authPlugin(store: Store, now: () => number) {
  return new Elysia({ name: "auth" }).macro({
    repoAccess: (scope: Scope) => ({
      transform({ request, params, set }) {
        // A segment Elysia cannot decode (`%`) arrives as null.
        const owner = (params as Record<string, string | null>).owner ?? "";
        const repo = (params as Record<string, string | null>).repo ?? "";
        const access = resolveAccess(store, request, owner, repo, scope, now());
        set.headers["x-oauth-scopes"] = access.user.scopes.join(", ");
        granted.set(request, { access, owner, repo, scope });
      },
      resolve({ request }) {
        return { access: granted.get(request)!.access };
      },
    }),
  });
}
