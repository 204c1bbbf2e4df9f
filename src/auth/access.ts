// The auth chain, in the order the contract fixes: token (401) → scope (403) → policy (404).
// It runs before any parameter is validated, so that a caller who may not see a repository
// learns nothing from how its parameters are judged.
import { ApiError } from "../errors.ts";
import type { RepositoryRecord, Store, TokenHolder } from "../store/index.ts";
import { canReadActions } from "./policy.ts";
import { acceptedScopesHeader, hasScope } from "./scopes.ts";
import type { Scope } from "./scopes.ts";
import { hashToken, tokenFromAuthorization } from "./tokens.ts";

export interface Access {
  user: TokenHolder;
  repo: RepositoryRecord;
}

/** What a request's credentials come to: the token's holder, or the refusal (401). */
export type Authentication = TokenHolder | ApiError;

/** The token's owner, if the Authorization header carries a valid token; else the 401, returned. */
export function decideAuthentication(store: Store, authorization: string | null, now: number): Authentication {
  const raw = tokenFromAuthorization(authorization);
  if (raw === null) return new ApiError("unauthorized", "Requires authentication");
  const holder = raw === undefined ? null : store.findTokenByHash(hashToken(raw));
  const valid = holder !== null
    && holder.revokedAt === null
    && (holder.expiresAt === null || holder.expiresAt > now)
    && holder.suspendedAt === null;
  return valid ? holder : new ApiError("unauthorized", "Bad credentials");
}

const decided = new WeakMap<Request, Authentication>();

/** The front door decided this request's credentials already: the route's auth chain takes its word. */
export function rememberAuthentication(request: Request, decision: Authentication): void {
  decided.set(request, decision);
}

/** The token's owner for this request's Authorization header, else the 401 thrown; decided once per request. */
export function authenticateRequest(store: Store, request: Request, now: number): TokenHolder {
  let decision = decided.get(request);
  if (decision === undefined) decided.set(request, (decision = decideAuthentication(store, request.headers.get("authorization"), now)));
  if (decision instanceof ApiError) throw decision;
  return decision;
}

/** The whole chain past authentication, as a yes or no: the scope, then ActionRepoRead. */
export function mayRead(store: Store, user: TokenHolder, owner: string, name: string, scope: Scope): boolean {
  return hasScope(user.scopes, scope) && readableRepository(store, user, owner, name) !== null;
}

/** The repository named, if this user may read its Actions data; null as for one that does not exist. */
function readableRepository(store: Store, user: TokenHolder, owner: string, name: string): RepositoryRecord | null {
  const repo = store.findRepository(owner, name);
  return repo !== null && canReadActions(user, repo, store) ? repo : null;
}

export function requireScope(user: TokenHolder, scope: Scope): void {
  if (!hasScope(user.scopes, scope)) {
    throw new ApiError("forbidden", "Resource not accessible by personal access token", {
      headers: { "x-accepted-oauth-scopes": acceptedScopesHeader(scope), "x-oauth-scopes": user.scopes.join(", ") },
    });
  }
}

/** The repository named by the path, if this user may read its Actions data; else the 404 of a repository that does not exist. */
export function authorizeRepository(store: Store, user: TokenHolder, owner: string, name: string): RepositoryRecord {
  const repo = readableRepository(store, user, owner, name);
  if (repo === null) throw ApiError.notFound();
  return repo;
}

export function resolveAccess(
  store: Store, request: Request, owner: string, name: string, scope: Scope, now: number,
): Access {
  const user = authenticateRequest(store, request, now);
  requireScope(user, scope);
  return { user, repo: authorizeRepository(store, user, owner, name) };
}
