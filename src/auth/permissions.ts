// What the forge lets a user do with a repository, in GitHub's five levels, as the
// repository object's `permissions` and GraphQL's `viewerPermission` state them. This
// service only reads; the levels say what the user may do on the forge itself.
import type { RepositoryRecord, TokenHolder } from "../store/index.ts";
import type { CollaboratorPermission } from "../store/access.ts";

export type Permission = CollaboratorPermission;

const levels: readonly Permission[] = ["read", "triage", "write", "maintain", "admin"];

export interface PermissionFacts {
  collaboratorPermission(repoId: number, userId: number): Permission | null;
  orgRole(orgId: number, userId: number): "member" | "owner" | null;
}

/**
 * The user's level on a repository the ActionRepoRead policy already lets them read: admin
 * for its owner and its organization's owners, a collaborator's own permission, and read
 * for everyone else who may see it (members, site admins, any user of a public or internal one).
 */
export function permissionOn(user: TokenHolder, repo: RepositoryRecord, facts: PermissionFacts): Permission {
  if (repo.ownerId === user.userId) return "admin";
  let level: Permission = "read";
  const raise = (p: Permission | null) => {
    if (p !== null && levels.indexOf(p) > levels.indexOf(level)) level = p;
  };
  raise(facts.collaboratorPermission(repo.id, user.userId));
  if (repo.ownerType === "Organization" && facts.orgRole(repo.ownerId, user.userId) === "owner") raise("admin");
  return level;
}

/** GitHub's `permissions` object: each level with every level below it. */
export function permissionFlags(level: Permission) {
  const at = levels.indexOf(level);
  return { admin: at >= 4, maintain: at >= 3, push: at >= 2, triage: at >= 1, pull: true };
}
