// The facts the auth chain needs: who a token belongs to, which repository a name means,
// and the memberships the ActionRepoRead policy looks at. Every lookup is one indexed row.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { accounts, orgMembers, personalAccessTokens, repoCollaborators, repositories } from "../../db/schema.ts";
import type { Visibility } from "../../db/schema.ts";
import { pageTerm, param, preparedOnFirstUse } from "./database.ts";
import type { ServiceDatabase } from "./database.ts";
import { defaults } from "../defaults.ts";
import { VersionedCache } from "./versioned-cache.ts";
import type { FactsVersion } from "./versioned-cache.ts";

export interface TokenHolder {
  tokenId: number;
  scopes: string[];
  expiresAt: number | null;
  revokedAt: number | null;
  userId: number;
  login: string;
  siteAdmin: boolean;
  suspendedAt: number | null;
}

export interface RepositoryRecord {
  id: number;
  name: string;
  ownerId: number;
  ownerLogin: string;
  ownerType: "User" | "Organization";
  ownerSiteAdmin: boolean;
  visibility: Visibility;
  actionsEnabled: boolean;
  defaultBranch: string;
  createdAt: number;
  updatedAt: number;
}

/** An account as GitHub's user objects present it. */
export interface AccountRecord {
  id: number;
  login: string;
  type: "User" | "Organization";
  siteAdmin: boolean;
  createdAt: number;
  updatedAt: number;
}

export type CollaboratorPermission = "read" | "triage" | "write" | "maintain" | "admin";

export function accessQueries(db: ServiceDatabase) {
  const owner = alias(accounts, "owner");
  const tokenByHash = preparedOnFirstUse(() => db
    .select({
      tokenId: personalAccessTokens.id,
      scopes: personalAccessTokens.scopes,
      expiresAt: personalAccessTokens.expiresAt,
      revokedAt: personalAccessTokens.revokedAt,
      userId: accounts.id,
      login: accounts.login,
      siteAdmin: accounts.siteAdmin,
      suspendedAt: accounts.suspendedAt,
    })
    .from(personalAccessTokens)
    .innerJoin(accounts, eq(accounts.id, personalAccessTokens.userId))
    .where(eq(personalAccessTokens.tokenHash, param("hash")))
    .limit(pageTerm(1))
    .prepare());

  // Logins and names compare case-insensitively (both columns are COLLATE NOCASE).
  const repoByName = preparedOnFirstUse(() => db
    .select({
      id: repositories.id,
      name: repositories.name,
      ownerId: owner.id,
      ownerLogin: owner.login,
      ownerType: owner.type,
      ownerSiteAdmin: owner.siteAdmin,
      visibility: repositories.visibility,
      actionsEnabled: repositories.actionsEnabled,
      defaultBranch: repositories.defaultBranch,
      createdAt: repositories.createdAt,
      updatedAt: repositories.updatedAt,
    })
    .from(repositories)
    .innerJoin(owner, eq(owner.id, repositories.ownerId))
    .where(and(
      eq(owner.login, param("owner")),
      eq(repositories.name, param("name")),
      isNull(repositories.deletedAt),
    ))
    .limit(pageTerm(1))
    .prepare());

  const collaborator = preparedOnFirstUse(() => db
    .select({ one: sql<number>`1` })
    .from(repoCollaborators)
    .where(and(eq(repoCollaborators.repoId, param("repoId")), eq(repoCollaborators.userId, param("userId"))))
    .limit(pageTerm(1))
    .prepare());

  const member = preparedOnFirstUse(() => db
    .select({ one: sql<number>`1` })
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, param("orgId")), eq(orgMembers.userId, param("userId"))))
    .limit(pageTerm(1))
    .prepare());

  // One account, as GitHub's user objects present it: by id, or by login.
  const account = (by: SQL) => db
    .select({
      id: accounts.id, login: accounts.login, type: accounts.type, siteAdmin: accounts.siteAdmin,
      createdAt: accounts.createdAt, updatedAt: accounts.updatedAt,
    })
    .from(accounts)
    .where(by)
    .limit(pageTerm(1))
    .prepare();
  const accountById = preparedOnFirstUse(() => account(eq(accounts.id, param("id"))));
  const accountByLogin = preparedOnFirstUse(() => account(eq(accounts.login, param("login"))));

  const collaboratorPermission = preparedOnFirstUse(() => db
    .select({ permission: repoCollaborators.permission })
    .from(repoCollaborators)
    .where(and(eq(repoCollaborators.repoId, param("repoId")), eq(repoCollaborators.userId, param("userId"))))
    .limit(pageTerm(1))
    .prepare());

  const orgRole = preparedOnFirstUse(() => db
    .select({ role: orgMembers.role })
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, param("orgId")), eq(orgMembers.userId, param("userId"))))
    .limit(pageTerm(1))
    .prepare());

  // Every request asks these; each statement costs a read-lock round trip in SQLite, so the
  // facts (never a decision: expiry is judged against the clock on each request) are kept
  // until the data changes. Keys are token hashes, never raw tokens.
  // SQLite's NOCASE folds ASCII letters only: a key must fold exactly the same way.
  const fold = (s: string) => (/[A-Z]/.test(s) ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);
  const tokens = new VersionedCache<TokenHolder | null>(defaults.lookupCacheBytes, 400);
  const repos = new VersionedCache<RepositoryRecord | null>(defaults.lookupCacheBytes, 400);
  const memberships = new VersionedCache<boolean>(defaults.lookupCacheBytes, 0);

  return {
    /** The token with this hash and its owner, whatever their state; validity is the caller's rule. */
    findTokenByHash(hash: string, version: FactsVersion): TokenHolder | null {
      return tokens.get(hash, version, () => (tokenByHash.get({ hash }) as TokenHolder | undefined) ?? null);
    },
    /** A live (not deleted) repository by owner login and name, case-insensitively. */
    findRepository(ownerLogin: string, name: string, version: FactsVersion): RepositoryRecord | null {
      const key = `${fold(ownerLogin)}/${fold(name)}`;
      return repos.get(key, version, () => (repoByName.get({ owner: ownerLogin, name }) as RepositoryRecord | undefined) ?? null);
    },
    isCollaborator(repoId: number, userId: number, version: FactsVersion): boolean {
      return memberships.get(`c${repoId}:${userId}`, version, () => collaborator.get({ repoId, userId }) !== undefined);
    },
    isOrgMember(orgId: number, userId: number, version: FactsVersion): boolean {
      return memberships.get(`m${orgId}:${userId}`, version, () => member.get({ orgId, userId }) !== undefined);
    },
    findAccount(id: number): AccountRecord | null {
      return (accountById.get({ id }) as AccountRecord | undefined) ?? null;
    },
    findAccountByLogin(login: string): AccountRecord | null {
      return (accountByLogin.get({ login }) as AccountRecord | undefined) ?? null;
    },
    collaboratorPermission(repoId: number, userId: number): CollaboratorPermission | null {
      return ((collaboratorPermission.get({ repoId, userId }) as { permission: CollaboratorPermission } | undefined)?.permission) ?? null;
    },
    orgRole(orgId: number, userId: number): "member" | "owner" | null {
      return ((orgRole.get({ orgId, userId }) as { role: "member" | "owner" } | undefined)?.role) ?? null;
    },
  };
}
