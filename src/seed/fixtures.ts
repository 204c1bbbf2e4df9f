// The demo forge: fixed accounts, repositories and tokens that tests, the README and the
// server's start-up banner refer to by id, login and raw token. Generated data never reuses
// these ids (generated accounts and repositories start at 1000).
import type { Visibility, WorkflowState } from "../../db/schema.ts";
import { DAY, RUNS_FROM, NOW, utc } from "./clock.ts";
import type { ForcedOutcome } from "./plan.ts";
import type { WorkflowKind } from "./vocabulary.ts";

export interface DemoAccount {
  id: number;
  login: string;
  type: "User" | "Organization";
  siteAdmin: boolean;
  suspendedAt: number | null;
  createdAt: number;
}

export const demoAccounts: readonly DemoAccount[] = [
  { id: 1, login: "alice", type: "User", siteAdmin: false, suspendedAt: null, createdAt: utc("2019-02-11T09:30:00Z") },
  { id: 2, login: "bob", type: "User", siteAdmin: false, suspendedAt: null, createdAt: utc("2019-05-03T14:00:00Z") },
  { id: 3, login: "carol", type: "User", siteAdmin: false, suspendedAt: null, createdAt: utc("2020-01-20T08:15:00Z") },
  { id: 4, login: "dave", type: "User", siteAdmin: false, suspendedAt: utc("2026-03-01T12:00:00Z"), createdAt: utc("2020-07-07T17:45:00Z") },
  { id: 5, login: "erin", type: "User", siteAdmin: true, suspendedAt: null, createdAt: utc("2018-11-30T10:00:00Z") },
  { id: 6, login: "frank", type: "User", siteAdmin: false, suspendedAt: null, createdAt: utc("2021-03-14T21:10:00Z") },
  // No memberships, repositories or tokens: free to be renamed by a test.
  { id: 7, login: "ghost-free", type: "User", siteAdmin: false, suspendedAt: null, createdAt: utc("2022-09-09T09:09:00Z") },
  { id: 100, login: "octo-org", type: "Organization", siteAdmin: false, suspendedAt: null, createdAt: utc("2019-06-01T00:00:00Z") },
  { id: 101, login: "acme", type: "Organization", siteAdmin: false, suspendedAt: null, createdAt: utc("2020-02-02T00:00:00Z") },
];

export const demoOrgMembers: readonly { orgId: number; userId: number; role: "member" | "owner" }[] = [
  { orgId: 100, userId: 1, role: "owner" },
  { orgId: 100, userId: 3, role: "member" },
  { orgId: 101, userId: 2, role: "member" },
];

export interface DemoRepository {
  id: number;
  ownerId: number;
  name: string;
  fullName: string;
  visibility: Visibility;
  actionsEnabled: boolean;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

const repo = (r: Omit<DemoRepository, "fullName" | "updatedAt"> & { owner: string; updatedAt?: number }): DemoRepository => {
  const { owner, ...rest } = r;
  return { ...rest, fullName: `${owner}/${r.name}`, updatedAt: r.updatedAt ?? r.deletedAt ?? r.createdAt };
};

export const ACTIONS_DISABLED_AT = NOW - 20 * DAY;
export const OLD_STUFF_DELETED_AT = NOW - 30 * DAY;

export const demoRepositories: readonly DemoRepository[] = [
  repo({ id: 1, owner: "alice", ownerId: 1, name: "hello-world", visibility: "public", actionsEnabled: true, createdAt: utc("2021-04-01T10:00:00Z"), deletedAt: null }),
  repo({ id: 2, owner: "alice", ownerId: 1, name: "secret-project", visibility: "private", actionsEnabled: true, createdAt: utc("2022-01-15T10:00:00Z"), deletedAt: null }),
  repo({ id: 3, owner: "octo-org", ownerId: 100, name: "platform", visibility: "internal", actionsEnabled: true, createdAt: utc("2020-03-01T10:00:00Z"), deletedAt: null }),
  repo({ id: 4, owner: "octo-org", ownerId: 100, name: "infra", visibility: "private", actionsEnabled: true, createdAt: utc("2020-05-01T10:00:00Z"), deletedAt: null }),
  repo({ id: 5, owner: "acme", ownerId: 101, name: "website", visibility: "public", actionsEnabled: false, createdAt: utc("2021-08-01T10:00:00Z"), updatedAt: ACTIONS_DISABLED_AT, deletedAt: null }),
  repo({ id: 6, owner: "alice", ownerId: 1, name: "old-stuff", visibility: "public", actionsEnabled: true, createdAt: utc("2019-03-01T10:00:00Z"), deletedAt: OLD_STUFF_DELETED_AT }),
  repo({ id: 7, owner: "frank", ownerId: 6, name: "dotfiles", visibility: "private", actionsEnabled: true, createdAt: utc("2021-06-01T10:00:00Z"), deletedAt: null }),
];

export const demoCollaborators: readonly { repoId: number; userId: number; permission: string }[] = [
  { repoId: 2, userId: 2, permission: "read" },
];

/** Why a token does or does not get a caller in. */
export type DemoTokenState = "valid" | "expired" | "revoked" | "owner-suspended";

export interface DemoToken {
  id: number;
  /** The raw token a client sends; only its SHA-256 is stored. */
  token: string;
  login: string;
  userId: number;
  scopes: readonly string[];
  state: DemoTokenState;
  note: string;
  expiresAt: number | null;
  revokedAt: number | null;
}

export const demoTokens: readonly DemoToken[] = [
  { id: 1, token: "demo_alice_repo", login: "alice", userId: 1, scopes: ["repo"], state: "valid", note: "full repo scope", expiresAt: null, revokedAt: null },
  { id: 2, token: "demo_alice_read", login: "alice", userId: 1, scopes: ["repo:read"], state: "valid", note: "read-only repo scope", expiresAt: null, revokedAt: null },
  { id: 3, token: "demo_alice_write", login: "alice", userId: 1, scopes: ["repo:write"], state: "valid", note: "repo:write implies repo:read", expiresAt: null, revokedAt: null },
  { id: 4, token: "demo_alice_user", login: "alice", userId: 1, scopes: ["user:read", "gist"], state: "valid", note: "no Actions access (no repo scope)", expiresAt: null, revokedAt: null },
  { id: 5, token: "demo_alice_expired", login: "alice", userId: 1, scopes: ["repo"], state: "expired", note: "expired 2020-01-01", expiresAt: utc("2020-01-01T00:00:00Z"), revokedAt: null },
  { id: 6, token: "demo_alice_revoked", login: "alice", userId: 1, scopes: ["repo"], state: "revoked", note: "revoked", expiresAt: null, revokedAt: utc("2026-01-15T08:00:00Z") },
  { id: 7, token: "demo_bob_read", login: "bob", userId: 2, scopes: ["repo:read"], state: "valid", note: "collaborator (read) on alice/secret-project, member of acme", expiresAt: null, revokedAt: null },
  { id: 8, token: "demo_carol_read", login: "carol", userId: 3, scopes: ["repo:read"], state: "valid", note: "member of octo-org", expiresAt: null, revokedAt: null },
  { id: 9, token: "demo_dave_read", login: "dave", userId: 4, scopes: ["repo:read"], state: "owner-suspended", note: "dave is suspended", expiresAt: null, revokedAt: null },
  { id: 10, token: "demo_erin_admin", login: "erin", userId: 5, scopes: ["repo"], state: "valid", note: "site admin: reads every repository", expiresAt: null, revokedAt: null },
  { id: 11, token: "demo_frank_read", login: "frank", userId: 6, scopes: ["repo:read"], state: "valid", note: "owner of frank/dotfiles", expiresAt: null, revokedAt: null },
  { id: 12, token: "demo_alice_future", login: "alice", userId: 1, scopes: ["repo:read"], state: "valid", note: "expires 2099-01-01", expiresAt: utc("2099-01-01T00:00:00Z"), revokedAt: null },
];

export interface DemoWorkflow {
  repoId: number;
  path: string;
  name: string;
  previousName?: string;
  renamedAt?: number;
  state: WorkflowState;
  kind: WorkflowKind;
  createdAt: number;
  /** When the workflow stopped running (disabled or deleted). */
  activeUntil?: number;
}

export const NIGHTLY_RENAMED_AT = RUNS_FROM + 100 * DAY;
export const LEGACY_DISABLED_AT = RUNS_FROM + 60 * DAY;

/** Workflow ids are given in creation order, so they interleave across repositories. */
export const demoWorkflows: readonly DemoWorkflow[] = [
  { repoId: 1, path: ".shithub/workflows/ci.yml", name: "CI", state: "active", kind: "ci", createdAt: utc("2024-03-01T12:00:00Z") },
  { repoId: 1, path: ".shithub/workflows/release.yml", name: "Release", state: "active", kind: "release", createdAt: utc("2024-05-20T12:00:00Z") },
  { repoId: 1, path: ".shithub/workflows/nightly.yml", name: "Nightly build", previousName: "Nightly", renamedAt: NIGHTLY_RENAMED_AT, state: "active", kind: "nightly", createdAt: utc("2024-07-01T12:00:00Z") },
  { repoId: 1, path: ".shithub/workflows/legacy.yml", name: "Legacy", state: "disabled_manually", kind: "lint", createdAt: utc("2023-11-01T12:00:00Z"), activeUntil: LEGACY_DISABLED_AT },
  { repoId: 2, path: ".shithub/workflows/ci.yml", name: "CI", state: "active", kind: "ci", createdAt: utc("2024-03-10T12:00:00Z") },
  { repoId: 2, path: ".shithub/workflows/lint.yml", name: "Lint", state: "deleted", kind: "lint", createdAt: utc("2024-04-18T12:00:00Z"), activeUntil: RUNS_FROM + 45 * DAY },
  { repoId: 3, path: ".shithub/workflows/ci.yml", name: "Build & test", state: "active", kind: "ci", createdAt: utc("2024-04-02T12:00:00Z") },
  { repoId: 3, path: ".shithub/workflows/codeql.yml", name: "CodeQL", state: "active", kind: "codeql", createdAt: utc("2024-09-01T12:00:00Z") },
  { repoId: 3, path: ".shithub/workflows/e2e.yml", name: "Nightly e2e", state: "disabled_inactivity", kind: "nightly", createdAt: utc("2024-10-05T12:00:00Z"), activeUntil: RUNS_FROM + 120 * DAY },
  { repoId: 4, path: ".shithub/workflows/terraform.yml", name: "Terraform", state: "active", kind: "deploy", createdAt: utc("2024-06-11T12:00:00Z") },
  { repoId: 5, path: ".shithub/workflows/deploy.yml", name: "Deploy site", state: "active", kind: "ci", createdAt: utc("2024-08-15T12:00:00Z") },
  { repoId: 6, path: ".shithub/workflows/ci.yml", name: "CI", state: "active", kind: "ci", createdAt: utc("2023-06-01T12:00:00Z") },
  { repoId: 7, path: ".shithub/workflows/lint.yml", name: "Lint", state: "active", kind: "lint", createdAt: utc("2025-01-10T12:00:00Z") },
];

export interface DemoRunPlan {
  repoId: number;
  runs: number;
  actors: readonly (number | null)[];
  runsUntil: number;
  inProgressTail: number;
  forced?: ReadonlyMap<number, ForcedOutcome>;
}

export const HELLO_WORLD_RUNS = 260;

/** hello-world's guaranteed cases, by the run's place in its own sequence (0 = oldest). */
const helloWorldForced = new Map<number, ForcedOutcome>([
  [10, { status: "completed", conclusion: "startup_failure", attempts: 1 }],
  [30, { status: "completed", conclusion: "stale", attempts: 1 }],
  [50, { status: "completed", conclusion: "neutral" }],
  [70, { status: "completed", conclusion: "action_required", attempts: 1 }],
  [90, { status: "completed", conclusion: "timed_out" }],
  [110, { status: "completed", conclusion: "skipped", attempts: 1 }],
  [130, { status: "completed", conclusion: "cancelled" }],
  [150, { status: "completed", conclusion: "failure" }],
  [170, { status: "completed", conclusion: "success", attempts: 3 }],
  [190, { status: "completed", conclusion: "failure", attempts: 3 }],
  [210, { status: "completed", conclusion: "success", attempts: 2 }],
  [220, { status: "completed", conclusion: "cancelled", attempts: 2 }],
  // The newest nine, created in the last hour.
  [251, { status: "completed", conclusion: "success", attempts: 1 }],
  [252, { status: "queued", attempts: 1 }],
  [253, { status: "running", attempts: 1 }],
  [254, { status: "waiting", attempts: 1 }],
  [255, { status: "running", attempts: 2 }],
  [256, { status: "queued", attempts: 1 }],
  [257, { status: "waiting", attempts: 1 }],
  [258, { status: "running", attempts: 1 }],
  [259, { status: "queued", attempts: 1 }],
]);

export const demoRunPlans: readonly DemoRunPlan[] = [
  { repoId: 1, runs: HELLO_WORLD_RUNS, actors: [1, 1, 1, 1, 2, 2, 3, null], runsUntil: NOW, inProgressTail: 9, forced: helloWorldForced },
  { repoId: 2, runs: 24, actors: [1, 1, 1, 2], runsUntil: NOW, inProgressTail: 0 },
  { repoId: 3, runs: 30, actors: [1, 3, 3, null], runsUntil: NOW, inProgressTail: 2 },
  { repoId: 4, runs: 18, actors: [1, 3], runsUntil: NOW, inProgressTail: 0 },
  { repoId: 5, runs: 15, actors: [2, 2, null], runsUntil: ACTIONS_DISABLED_AT, inProgressTail: 0 },
  { repoId: 6, runs: 12, actors: [1], runsUntil: OLD_STUFF_DELETED_AT, inProgressTail: 0 },
  { repoId: 7, runs: 10, actors: [6], runsUntil: NOW, inProgressTail: 0 },
];

/** The demo fixtures' run/job/artifact ids stay below these; generated ones start here. */
export const generatedIdStart = { account: 1000, repository: 1000, token: 1000, workflow: 1000, run: 1000, job: 10_000, artifact: 1000 } as const;
