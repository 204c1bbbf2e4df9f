// The forge's ActionRepoRead policy, as a pure decision over facts the store provides.
import type { FactsVersion, RepositoryRecord, TokenHolder } from "../store/index.ts";

export interface MembershipFacts {
  isCollaborator(repoId: number, userId: number, version: FactsVersion): boolean;
  isOrgMember(orgId: number, userId: number, version: FactsVersion): boolean;
}

/**
 * May this user read this repository's Actions data? The repository must be live (the
 * store never returns a deleted one) with Actions enabled, and the repository public or
 * internal, or the user its owner, a collaborator, a member of its owning organization,
 * or a site admin. Callers answer "no" exactly as they answer "no such repository".
 */
export function canReadActions(user: TokenHolder, repo: RepositoryRecord, facts: MembershipFacts, version: FactsVersion): boolean {
  if (!repo.actionsEnabled) return false;
  if (repo.visibility === "public" || repo.visibility === "internal") return true;
  if (user.siteAdmin || repo.ownerId === user.userId) return true;
  if (facts.isCollaborator(repo.id, user.userId, version)) return true;
  return repo.ownerType === "Organization" && facts.isOrgMember(repo.ownerId, user.userId, version);
}
