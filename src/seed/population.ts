// The generated forge around the demo fixtures: users, organizations, repositories, tokens and
// workflows, and how many runs each repository gets. Sized by the seed options, ids from 1000.
import { DAY, NOW, RUNS_FROM } from "./clock.ts";
import type { Population } from "./fixture-rows.ts";
import { workflowRow } from "./fixture-rows.ts";
import { demoAccounts, generatedIdStart } from "./fixtures.ts";
import type { RepoPlan, WorkflowPlan } from "./plan.ts";
import type { Random } from "./random.ts";
import { hashToken as tokenHash } from "../auth/tokens.ts";
import { monorepoShare, type Row } from "./types.ts";
import { workflowTriggers, type WorkflowKind } from "./vocabulary.ts";

const firstNames = ["maria", "wei", "olu", "sven", "priya", "diego", "yuki", "fatima", "jonas", "amara", "lena", "kofi", "mateo", "ines", "raj", "hana"];
const lastNames = ["chen", "okafor", "lindqvist", "sharma", "garcia", "tanaka", "haddad", "schmidt", "mensah", "rossi", "kim", "novak", "silva", "dubois"];
const orgNames = ["northwind", "globex", "initech", "umbrella-labs", "hooli", "stark-industries", "wayne-tech", "cyberdyne", "tyrell", "soylent", "massive-dynamic", "aperture"];
const repoNames = [
  "api", "web", "cli", "docs", "infra", "mobile-app", "data-pipeline", "auth-service", "billing", "search",
  "design-system", "sdk-js", "sdk-go", "terraform-modules", "blog", "homelab", "ml-experiments", "payments", "notifications", "gateway",
];
const scopeSets: readonly (readonly [string[], number])[] = [
  [["repo"], 30], [["repo:read"], 25], [["repo:write"], 10], [["user:read"], 8], [["gist"], 5],
  [["repo:read", "user:read"], 10], [["repo", "gist", "user:read"], 7], [[], 2],
];
const workflowNames: Record<WorkflowKind, readonly [string, string]> = {
  ci: ["CI", "Continuous integration"], lint: ["Lint", "Lint & format"], release: ["Release", "Publish"],
  nightly: ["Nightly", "Nightly build"], codeql: ["CodeQL", "Code scanning"], deploy: ["Deploy", "Deploy to production"],
};
/** How likely a repository has each workflow besides CI. */
const optionalWorkflows: readonly (readonly [WorkflowKind, number])[] = [
  ["lint", 0.7], ["release", 0.4], ["nightly", 0.3], ["codeql", 0.1], ["deploy", 0.1],
];

interface Account { id: number; login: string; createdAt: number; members: number[] }

export interface GeneratedPopulation extends Population {
  monorepo: { id: number; fullName: string; runs: number } | null;
}

export function generatedPopulation(rng: Random, repos: number, runs: number): GeneratedPopulation {
  if (repos <= 0) {
    if (runs > 0) throw new RangeError("runs need at least one generated repository");
    return { accounts: [], orgMembers: [], repositories: [], collaborators: [], tokens: [], workflows: [], plans: [], monorepo: null };
  }
  const taken = new Set(demoAccounts.map((a) => a.login));
  const uniqueLogin = (base: string) => {
    let login = base;
    for (let n = 2; taken.has(login); n++) login = `${base}${n}`;
    taken.add(login);
    return login;
  };
  const accounts: Row[] = [];
  let nextAccountId = generatedIdStart.account;

  const users: Account[] = [];
  const userCount = Math.max(12, Math.ceil(repos * 0.8));
  for (let i = 0; i < userCount; i++) {
    const createdAt = RUNS_FROM - rng.int(400, 3000) * DAY - rng.int(0, DAY);
    const suspendedAt = rng.chance(0.02) ? NOW - rng.int(1, 300) * DAY : null;
    const user = { id: nextAccountId++, login: uniqueLogin(`${rng.pick(firstNames)}-${rng.pick(lastNames)}`), createdAt, members: [] };
    users.push(user);
    accounts.push({
      id: user.id, login: user.login, type: "User", site_admin: rng.chance(0.003), suspended_at: suspendedAt,
      created_at: createdAt, updated_at: Math.max(createdAt, suspendedAt ?? 0),
    });
  }

  const orgs: Account[] = [];
  const orgMembers: Row[] = [];
  const orgCount = Math.max(2, Math.ceil(repos / 10));
  for (let i = 0; i < orgCount; i++) {
    const createdAt = RUNS_FROM - rng.int(400, 3000) * DAY;
    const size = i === 0 ? Math.min(users.length, 40) : rng.int(2, Math.min(12, users.length));
    const members = sample(rng, users, size);
    const org = { id: nextAccountId++, login: uniqueLogin(rng.pick(orgNames)), createdAt, members: members.map((m) => m.id) };
    orgs.push(org);
    accounts.push({ id: org.id, login: org.login, type: "Organization", site_admin: false, suspended_at: null, created_at: createdAt, updated_at: createdAt });
    const owners = rng.int(1, 2);
    members.forEach((m, k) => orgMembers.push({
      org_id: org.id, user_id: m.id, role: k < owners ? "owner" : "member", updated_at: Math.max(createdAt, m.createdAt) + rng.int(1, 300) * DAY,
    }));
  }

  const tokens: Row[] = [];
  let nextTokenId = generatedIdStart.token;
  for (const user of users) {
    for (let k = rng.int(0, 3); k > 0; k--) {
      const createdAt = Math.max(user.createdAt + DAY, NOW - rng.int(30, 700) * DAY);
      const expiry = rng.weighted([["never", 45], ["future", 40], ["past", 15]] as const);
      const expiresAt = expiry === "never" ? null : expiry === "future" ? NOW + rng.int(30, 365) * DAY : Math.min(NOW - DAY, createdAt + rng.int(7, 365) * DAY);
      const revokedAt = rng.chance(0.06) ? Math.min(NOW - DAY, createdAt + rng.int(1, 200) * DAY) : null;
      tokens.push({
        id: nextTokenId++, user_id: user.id, name: `token ${k} of ${user.login}`, token_hash: tokenHash(`gen_${rng.hex(32)}`),
        scopes: [...rng.weighted(scopeSets)], expires_at: expiresAt, revoked_at: revokedAt,
        created_at: createdAt, updated_at: Math.max(createdAt, revokedAt ?? 0),
      });
    }
  }

  const repositories: Row[] = [];
  const collaborators: Row[] = [];
  const workflowPlans: WorkflowPlan[] = [];
  const planParts: Omit<RepoPlan, "workflows" | "runs" | "inProgressTail">[] = [];
  const namesByOwner = new Map<number, Set<string>>();
  for (let i = 0; i < repos; i++) {
    const id = generatedIdStart.repository + i;
    const isMonorepo = i === 0;
    const owner = isMonorepo || rng.chance(0.45) ? (isMonorepo ? orgs[0]! : rng.pick(orgs)) : rng.pick(users);
    const ownerNames = namesByOwner.get(owner.id) ?? new Set<string>();
    namesByOwner.set(owner.id, ownerNames);
    let name = isMonorepo ? "monorepo" : rng.pick(repoNames);
    for (let n = 2; ownerNames.has(name); n++) name = `${name.replace(/-\d+$/, "")}-${n}`;
    ownerNames.add(name);
    const createdAt = Math.min(owner.createdAt + rng.int(1, 900) * DAY, RUNS_FROM - rng.int(30, 200) * DAY);
    const deletedAt = !isMonorepo && rng.chance(0.03) ? NOW - rng.int(1, 60) * DAY : null;
    const actionsEnabled = isMonorepo || !rng.chance(0.04);
    const disabledAt = actionsEnabled ? null : NOW - rng.int(1, 90) * DAY;
    const visibility = isMonorepo ? "public" : rng.weighted([["public", 50], ["private", 35], ["internal", 15]] as const);
    const defaultBranch = rng.weighted([["main", 85], ["master", 10], ["develop", 5]] as const);
    repositories.push({
      id, owner_id: owner.id, name, visibility, actions_enabled: actionsEnabled, default_branch: defaultBranch,
      created_at: createdAt, updated_at: Math.max(createdAt, disabledAt ?? 0, deletedAt ?? 0), deleted_at: deletedAt,
    });

    const outsiders = sample(rng, users.filter((u) => u.id !== owner.id), isMonorepo ? 5 : rng.int(0, 3));
    for (const u of outsiders) {
      collaborators.push({
        repo_id: id, user_id: u.id,
        permission: rng.weighted([["read", 35], ["triage", 10], ["write", 35], ["maintain", 10], ["admin", 10]] as const),
        updated_at: createdAt + rng.int(1, 100) * DAY,
      });
    }

    const kinds: WorkflowKind[] = ["ci", ...optionalWorkflows.filter(([, p]) => isMonorepo || rng.chance(p)).map(([k]) => k)];
    for (const kind of kinds) workflowPlans.push(workflowPlan(rng, id, kind, createdAt));

    const team = owner.members.length > 0 ? owner.members.slice(0, isMonorepo ? 40 : 12) : [owner.id, owner.id, owner.id];
    const actors: (number | null)[] = [...team, ...outsiders.map((u) => u.id), rng.pick(users).id];
    if (isMonorepo || rng.chance(0.3)) actors.push(null);
    planParts.push({
      id, fullName: `${owner.login}/${name}`, defaultBranch, actors,
      runsFrom: RUNS_FROM, runsUntil: deletedAt ?? disabledAt ?? NOW,
    });
  }

  // Ids in creation order, so one repository's workflows are not numbered contiguously.
  workflowPlans.sort((a, b) => a.createdAt - b.createdAt || a.repoId - b.repoId || a.path.localeCompare(b.path));
  workflowPlans.forEach((w, k) => { w.id = generatedIdStart.workflow + k; });
  const workflowsOf = new Map<number, WorkflowPlan[]>();
  for (const w of workflowPlans) {
    const list = workflowsOf.get(w.repoId) ?? [];
    list.push(w);
    workflowsOf.set(w.repoId, list);
  }

  const quotas = runQuotas(rng, repos, runs);
  const plans: RepoPlan[] = planParts.map((p, i) => {
    const quota = quotas[i]!;
    const live = p.runsUntil === NOW;
    const workflows = (workflowsOf.get(p.id) ?? []).sort((a, b) => kindOrder(a) - kindOrder(b));
    const inProgressTail = live ? Math.floor(quota / 1000) + (quota >= 20 && rng.chance(0.05) ? 1 : 0) : 0;
    return { ...p, workflows, runs: quota, inProgressTail };
  });

  const monorepo = { id: plans[0]!.id, fullName: plans[0]!.fullName, runs: plans[0]!.runs };
  return {
    accounts, orgMembers, repositories, collaborators, tokens,
    workflows: [...workflowPlans].sort((a, b) => a.id - b.id).map(workflowRow), plans, monorepo,
  };
}

const kindOrder = (w: WorkflowPlan) => ["ci", "lint", "release", "nightly", "codeql", "deploy"].indexOf(w.kind);

function workflowPlan(rng: Random, repoId: number, kind: WorkflowKind, repoCreatedAt: number): WorkflowPlan {
  const [name, laterName] = workflowNames[kind];
  const renamed = rng.chance(0.12);
  const addedLately = kind !== "ci" && rng.chance(0.1);
  const createdAt = addedLately
    ? RUNS_FROM + rng.int(5, 120) * DAY
    : Math.min(repoCreatedAt + rng.int(1, 400) * DAY, RUNS_FROM - rng.int(1, 30) * DAY);
  const state = kind === "ci" ? "active" : rng.weighted([["active", 89], ["disabled_manually", 5], ["disabled_inactivity", 3], ["deleted", 3]] as const);
  return {
    id: 0,
    repoId,
    path: `.shithub/workflows/${kind}.yml`,
    name: renamed ? laterName : name,
    previousName: renamed ? name : null,
    renamedAt: renamed ? Math.max(createdAt, RUNS_FROM) + rng.int(5, 40) * DAY : null,
    state,
    kind,
    on: workflowTriggers[kind],
    createdAt,
    activeUntil: state === "active" ? null : Math.max(createdAt, RUNS_FROM) + rng.int(20, 50) * DAY,
    nextRunNumber: 1,
  };
}

/** The monorepo's fixed share, the rest spread unevenly (some repositories never ran anything). */
function runQuotas(rng: Random, repos: number, runs: number): number[] {
  if (repos === 1) return [runs];
  const mono = Math.round(runs * monorepoShare);
  const weights = Array.from({ length: repos - 1 }, () => (rng.chance(0.06) ? 0 : 0.05 + rng.next() ** 3));
  const total = weights.reduce((a, b) => a + b, 0);
  const rest = runs - mono;
  if (total === 0) weights[0] = 1;
  const sum = total === 0 ? 1 : total;
  const exact = weights.map((w) => (w / sum) * rest);
  const quotas = exact.map(Math.floor);
  let left = rest - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) {
    const i = byRemainder[k % byRemainder.length]![1];
    quotas[i] = quotas[i]! + 1;
  }
  return [mono, ...quotas];
}

/** count distinct items, in random order. */
function sample<T>(rng: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return out;
}
