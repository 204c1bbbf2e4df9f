// The demo fixtures as rows, and the plans their runs are generated from.
import { DAY, HOUR, RUNS_FROM } from "./clock.ts";
import {
  demoAccounts, demoCollaborators, demoOrgMembers, demoRepositories, demoRunPlans, demoTokens, demoWorkflows,
} from "./fixtures.ts";
import type { RepoPlan, WorkflowPlan } from "./plan.ts";
import { hashToken as tokenHash } from "../auth/tokens.ts";
import type { Row } from "./types.ts";
import { workflowTriggers } from "./vocabulary.ts";

export interface Population {
  accounts: Row[];
  orgMembers: Row[];
  repositories: Row[];
  collaborators: Row[];
  tokens: Row[];
  workflows: Row[];
  plans: RepoPlan[];
}

export function workflowRow(w: WorkflowPlan): Row {
  return {
    id: w.id,
    repo_id: w.repoId,
    path: w.path,
    name: w.name,
    state: w.state,
    created_at: w.createdAt,
    updated_at: Math.max(w.createdAt, w.renamedAt ?? 0, w.activeUntil ?? 0),
  };
}

export function demoPopulation(): Population {
  const accounts: Row[] = demoAccounts.map((a) => ({
    id: a.id,
    login: a.login,
    type: a.type,
    site_admin: a.siteAdmin,
    suspended_at: a.suspendedAt,
    created_at: a.createdAt,
    updated_at: Math.max(a.createdAt, a.suspendedAt ?? 0),
  }));
  const joinedAt = (orgId: number, userId: number) =>
    Math.max(...demoAccounts.filter((a) => a.id === orgId || a.id === userId).map((a) => a.createdAt)) + DAY;
  const orgMembers: Row[] = demoOrgMembers.map((m) => ({
    org_id: m.orgId, user_id: m.userId, role: m.role, updated_at: joinedAt(m.orgId, m.userId),
  }));
  const repositories: Row[] = demoRepositories.map((r) => ({
    id: r.id,
    owner_id: r.ownerId,
    name: r.name,
    visibility: r.visibility,
    actions_enabled: r.actionsEnabled,
    default_branch: "main",
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    deleted_at: r.deletedAt,
  }));
  const collaborators: Row[] = demoCollaborators.map((c) => ({
    repo_id: c.repoId, user_id: c.userId, permission: c.permission,
    updated_at: demoRepositories.find((r) => r.id === c.repoId)!.createdAt + 30 * DAY,
  }));
  const tokens: Row[] = demoTokens.map((t, i) => {
    // An expired token was made some months before it expired; the others in the last year or so.
    const createdAt = t.expiresAt !== null && t.expiresAt < RUNS_FROM ? t.expiresAt - 200 * DAY : RUNS_FROM - (400 - i * 10) * DAY;
    return {
      id: t.id,
      user_id: t.userId,
      name: `demo: ${t.note}`,
      token_hash: tokenHash(t.token),
      scopes: [...t.scopes],
      expires_at: t.expiresAt,
      revoked_at: t.revokedAt,
      created_at: createdAt,
      updated_at: Math.max(createdAt, t.revokedAt ?? 0),
    };
  });

  // Ids in creation order, so one repository's workflows are not numbered contiguously.
  const ordered = [...demoWorkflows].sort((a, b) => a.createdAt - b.createdAt);
  const workflowPlans: WorkflowPlan[] = ordered.map((w, i) => ({
    id: i + 1,
    repoId: w.repoId,
    path: w.path,
    name: w.name,
    previousName: w.previousName ?? null,
    renamedAt: w.renamedAt ?? null,
    state: w.state,
    kind: w.kind,
    on: workflowTriggers[w.kind],
    createdAt: w.createdAt,
    activeUntil: w.activeUntil ?? null,
    nextRunNumber: 1,
  }));
  // The run stream picks workflows in this order: a repository's declared order, CI first.
  const byRepo = (repoId: number) =>
    demoWorkflows.filter((w) => w.repoId === repoId).map((w) => workflowPlans.find((p) => p.repoId === repoId && p.path === w.path)!);

  const plans: RepoPlan[] = demoRunPlans.map((p) => {
    const r = demoRepositories.find((x) => x.id === p.repoId)!;
    return {
      id: r.id,
      fullName: r.fullName,
      defaultBranch: "main",
      workflows: byRepo(r.id),
      actors: p.actors,
      runs: p.runs,
      runsFrom: RUNS_FROM,
      runsUntil: p.runsUntil - HOUR,
      inProgressTail: p.inProgressTail,
      forced: p.forced,
    };
  });
  return {
    accounts, orgMembers, repositories, collaborators, tokens,
    workflows: workflowPlans.map(workflowRow), plans,
  };
}
