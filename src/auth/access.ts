// The auth chain, in the order the contract fixes: token (401) → scope (403) → policy (404).
// It runs before any parameter is validated, so that a caller who may not see a repository
// learns nothing from how its parameters are judged.
import { ApiError } from "../errors.ts";
import type { FactsVersion, RepositoryRecord, Store, TokenHolder } from "../store/index.ts";
import { canReadActions } from "./policy.ts";
import { acceptedScopesHeader, hasScope } from "./scopes.ts";
import type { Scope } from "./scopes.ts";
import { tokenFromAuthorization } from "./tokens.ts";

export interface Access {
  user: TokenHolder;
  repo: RepositoryRecord;
}

/** What a request's credentials come to: the token's holder, or the refusal (401). */
export type Authentication = TokenHolder | ApiError;

/** The token's owner, if the Authorization header carries a valid token; else the 401, returned. */
export function decideAuthentication(
  store: Store, authorization: string | null, now: number, version: FactsVersion, tokenHash: (raw: string) => string,
): Authentication {
  const raw = tokenFromAuthorization(authorization);
  if (raw === null) return new ApiError("unauthorized", "Requires authentication");
  const holder = raw === undefined ? null : store.findTokenByHash(tokenHash(raw), version);
  const valid = holder !== null
    && holder.revokedAt === null
    && (holder.expiresAt === null || holder.expiresAt > now)
    && holder.suspendedAt === null;
  return valid ? holder : new ApiError("unauthorized", "Bad credentials");
}

/** The whole chain past authentication, as a yes or no: the scope, then ActionRepoRead. */
export function mayRead(store: Store, user: TokenHolder, owner: string, name: string, scope: Scope, version: FactsVersion): boolean {
  return hasScope(user.scopes, scope) && readableRepository(store, user, owner, name, version) !== null;
}

/**
 * The longest names GitHub allows: a login of 39 characters, a repository name of 100. A
 * longer one names nothing, and is answered as a repository that does not exist (GitHub's
 * 404) before any lookup, so that it never reaches the store or its caches.
 */
export const longestName = { owner: 39, repo: 100 } as const;

/** The repository named, if this user may read its Actions data; null as for one that does not exist. */
function readableRepository(store: Store, user: TokenHolder, owner: string, name: string, version: FactsVersion): RepositoryRecord | null {
  if (owner.length > longestName.owner || name.length > longestName.repo) return null;
  const repo = store.findRepository(owner, name, version);
  return repo !== null && canReadActions(user, repo, store, version) ? repo : null;
}

/** The 403 of a valid token without the scope, naming the scopes that would do. */
export function requireScope(user: TokenHolder, scope: Scope): void {
  if (!hasScope(user.scopes, scope)) {
    throw new ApiError("forbidden", "Resource not accessible by personal access token", {
      headers: { "x-accepted-oauth-scopes": acceptedScopesHeader(scope), "x-oauth-scopes": user.scopes.join(", ") },
    });
  }
}

/** The repository named by the path, if this user may read its Actions data; else the 404 of a repository that does not exist. */
export function authorizeRepository(store: Store, user: TokenHolder, owner: string, name: string, version: FactsVersion): RepositoryRecord {
  const repo = readableRepository(store, user, owner, name, version);
  if (repo === null) throw ApiError.notFound();
  return repo;
}

/** The whole chain for one repository: the holder of a valid token, with the scope, who may read it; else the refusal, thrown. */
export function resolveAccess(
  store: Store, authentication: Authentication, owner: string, name: string, scope: Scope, version: FactsVersion,
): Access {
  if (authentication instanceof ApiError) throw authentication;
  requireScope(authentication, scope);
  return { user: authentication, repo: authorizeRepository(store, authentication, owner, name, version) };
}
