// The seed generator: deterministic, complete (every status and conclusion), consistent with
// the forge's CHECK constraints, and carrying the demo fixtures that other tests rely on.
import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { latestVersion } from "../../db/migrations/index.ts";
import { NOW } from "../../src/seed/clock.ts";
import { demoAccounts, demoRepositories, demoTokens, HELLO_WORLD_RUNS } from "../../src/seed/fixtures.ts";
import { generate, type ForgeTable, type Row, type SeedOptions, type SeedSummary } from "../../src/seed/generate.ts";
import { seedSqlite } from "../../src/seed/sqlite.ts";
import { removeTempDir, tempDir } from "../support/temp.ts";

const options: SeedOptions = { repos: 40, runs: 2000, seed: 1 };

interface Capture {
  tables: Record<string, Row[]>;
  /** Every batch in write order, for the parents-before-children check. */
  order: { table: ForgeTable; rows: Row[] }[];
  digest: string;
  summary: SeedSummary;
}

async function capture(opts: SeedOptions): Promise<Capture> {
  const tables: Record<string, Row[]> = {};
  const order: Capture["order"] = [];
  const hash = createHash("sha256");
  const summary = await generate({
    write(table, rows) {
      (tables[table] ??= []).push(...rows);
      order.push({ table, rows });
      hash.update(table);
      hash.update(JSON.stringify(rows));
    },
  }, opts);
  return { tables, order, digest: hash.digest("hex"), summary };
}

const seeded = await capture(options);
const rows = (t: ForgeTable) => seeded.tables[t] ?? [];
const runs = rows("workflow_runs");
const jobs = rows("workflow_jobs");
const steps = rows("workflow_steps");
const num = (v: unknown) => v as number;
const group = <K>(items: readonly Row[], key: (r: Row) => K) => {
  const m = new Map<K, Row[]>();
  for (const r of items) {
    const list = m.get(key(r));
    if (list) list.push(r);
    else m.set(key(r), [r]);
  }
  return m;
};
const jobsByRun = group(jobs, (j) => num(j.run_id));
const stepsByJob = group(steps, (s) => num(s.job_id));

const runStatuses = ["queued", "waiting", "running", "completed"];
const runConclusions = ["success", "failure", "cancelled", "skipped", "timed_out", "neutral", "action_required", "startup_failure", "stale"];
const jobConclusions = runConclusions.filter((c) => c !== "startup_failure" && c !== "stale");

/** created_at ≤ started_at ≤ completed_at ≤ updated_at, skipping the ones that are null. */
function ordered(r: Row, columns: readonly string[]): boolean {
  const present = columns.map((c) => r[c]).filter((v): v is number => typeof v === "number");
  return present.every((v, i) => i === 0 || present[i - 1]! <= v);
}

describe("determinism", () => {
  test("the same options give the same rows, byte for byte", async () => {
    expect((await capture(options)).digest).toBe(seeded.digest);
  });

  test("another seed changes the generated part, not the fixtures", async () => {
    const other = await capture({ ...options, seed: 2 });
    expect(other.digest).not.toBe(seeded.digest);
    const fixtureRuns = (c: Capture) => JSON.stringify(c.tables.workflow_runs!.filter((r) => num(r.id) < 1000));
    expect(fixtureRuns(other)).toBe(fixtureRuns(seeded));
  });

  test("the summary counts what was written", () => {
    for (const [table, count] of Object.entries(seeded.summary.rows)) expect(rows(table as ForgeTable).length).toBe(count);
    expect(seeded.summary.generatedRuns).toBe(options.runs);
    expect(seeded.summary.fixtureRuns + seeded.summary.generatedRuns).toBe(runs.length);
  });
});

describe("coverage", () => {
  test("every run status and conclusion appears, overall and in alice/hello-world", () => {
    for (const set of [runs, runs.filter((r) => r.repo_id === 1)]) {
      expect(new Set(set.map((r) => r.status))).toEqual(new Set(runStatuses));
      expect(new Set(set.filter((r) => r.conclusion !== null).map((r) => r.conclusion))).toEqual(new Set(runConclusions));
    }
  });

  test("every event, branches with slashes, null actors and re-runs appear", () => {
    expect(new Set(runs.map((r) => r.event))).toEqual(new Set(["push", "pull_request", "workflow_dispatch", "schedule", "release"]));
    const refs = new Set(runs.map((r) => r.head_ref));
    expect(refs.has("feature/login")).toBe(true);
    expect(refs.has("release/v1.2")).toBe(true);
    expect(runs.some((r) => r.actor_id === null)).toBe(true);
    expect(runs.some((r) => r.run_attempt === 2)).toBe(true);
    expect(runs.some((r) => r.run_attempt === 3)).toBe(true);
  });

  test("every workflow state, visibility, token kind and artifact expiry appears", () => {
    expect(new Set(rows("workflows").map((w) => w.state))).toEqual(new Set(["active", "disabled_manually", "disabled_inactivity", "deleted"]));
    expect(new Set(rows("repositories").map((r) => r.visibility))).toEqual(new Set(["public", "internal", "private"]));
    expect(rows("repositories").some((r) => r.deleted_at !== null)).toBe(true);
    expect(rows("repositories").some((r) => r.actions_enabled === false)).toBe(true);
    expect(new Set(rows("repo_collaborators").map((c) => c.permission))).toEqual(new Set(["read", "triage", "write", "maintain", "admin"]));
    expect(new Set(rows("org_members").map((m) => m.role))).toEqual(new Set(["member", "owner"]));
    const tokens = rows("personal_access_tokens");
    expect(tokens.some((t) => t.expires_at !== null && num(t.expires_at) < NOW)).toBe(true);
    expect(tokens.some((t) => t.revoked_at !== null)).toBe(true);
    const artifacts = rows("workflow_artifacts");
    expect(artifacts.some((a) => a.expires_at !== null && num(a.expires_at) < NOW)).toBe(true);
    expect(artifacts.some((a) => a.expires_at !== null && num(a.expires_at) > NOW)).toBe(true);
  });

  test("some runs of one repository share a created_at", () => {
    const shared = [...group(runs, (r) => `${r.repo_id}@${r.created_at}`).values()].filter((g) => g.length >= 3);
    expect(shared.length).toBeGreaterThan(0);
  });
});

describe("forge constraints", () => {
  test("runs: status vocabulary, conclusion exactly when completed, sha, ordered timestamps, nothing after NOW", () => {
    for (const r of runs) {
      expect(runStatuses).toContain(r.status as string);
      expect(r.status === "completed").toBe(r.conclusion !== null);
      if (r.conclusion !== null) expect(runConclusions).toContain(r.conclusion as string);
      expect(r.head_sha).toMatch(/^[0-9a-f]{40}$/);
      expect(ordered(r, ["created_at", "started_at", "completed_at", "updated_at"])).toBe(true);
      expect(num(r.updated_at)).toBeLessThanOrEqual(NOW);
      expect(num(r.run_attempt)).toBeGreaterThanOrEqual(1);
      if (r.status === "queued") expect(r.started_at).toBeNull();
      if (r.status !== "completed") expect(r.completed_at).toBeNull();
    }
  });

  test("jobs: vocabulary, conclusion exactly when completed, timestamps within their run", () => {
    const runById = new Map(runs.map((r) => [num(r.id), r]));
    for (const j of jobs) {
      const run = runById.get(num(j.run_id))!;
      expect(runStatuses).toContain(j.status as string);
      expect(j.status === "completed").toBe(j.conclusion !== null);
      if (j.conclusion !== null) expect(jobConclusions).toContain(j.conclusion as string);
      expect(ordered(j, ["created_at", "started_at", "completed_at", "updated_at"])).toBe(true);
      expect(num(j.created_at)).toBeGreaterThanOrEqual(num(run.created_at));
      expect(num(j.run_attempt)).toBeLessThanOrEqual(num(run.run_attempt));
      expect(Array.isArray(j.needs_jobs)).toBe(true);
      expect(typeof j.cancel_requested).toBe("boolean");
    }
  });

  test("steps: numbered from 1, vocabulary, consistent with their job", () => {
    const jobById = new Map(jobs.map((j) => [num(j.id), j]));
    for (const [jobId, list] of stepsByJob) {
      const job = jobById.get(jobId)!;
      expect(list.map((s) => s.number)).toEqual(list.map((_, i) => i + 1));
      for (const s of list) {
        expect(["queued", "running", "completed"]).toContain(s.status as string);
        expect(s.status === "completed").toBe(s.conclusion !== null);
        if (s.conclusion !== null) expect(["success", "failure", "cancelled", "skipped"]).toContain(s.conclusion as string);
        expect(ordered(s, ["started_at", "completed_at", "updated_at"])).toBe(true);
        if (s.started_at !== null) expect(num(s.started_at)).toBeGreaterThanOrEqual(num(job.started_at));
      }
      const statuses = list.map((s) => s.status);
      if (job.status === "completed") expect(statuses.every((s) => s === "completed")).toBe(true);
      if (job.status === "running") {
        // Done steps, then exactly one running, then the ones still to come.
        expect(statuses.filter((s) => s === "running").length).toBe(1);
        expect(statuses[0]).toBe("completed");
        const at = statuses.indexOf("running");
        expect(statuses.slice(0, at).every((s) => s === "completed")).toBe(true);
        expect(statuses.slice(at + 1).every((s) => s === "queued")).toBe(true);
      }
      expect(job.status === "queued" || job.status === "waiting").toBe(false);
    }
    expect(jobs.some((j) => j.status === "running")).toBe(true);
  });

  test("every attempt of a run has its full set of jobs, indexed from 0", () => {
    for (const r of runs) {
      const list = jobsByRun.get(num(r.id)) ?? [];
      if (list.length === 0) continue;
      const attempts = group(list, (j) => num(j.run_attempt));
      expect([...attempts.keys()].sort()).toEqual(Array.from({ length: num(r.run_attempt) }, (_, i) => i + 1));
      for (const attemptJobs of attempts.values()) {
        expect(attemptJobs.map((j) => j.job_index)).toEqual(attemptJobs.map((_, i) => i));
        expect(attemptJobs.length).toBe(attempts.get(1)!.length);
      }
    }
    expect(runs.filter((r) => num(r.run_attempt) > 1).every((r) => (jobsByRun.get(num(r.id)) ?? []).length > 0)).toBe(true);
  });

  test("needs_jobs names only job_keys of earlier jobs of the same run attempt", () => {
    for (const list of jobsByRun.values()) {
      for (const attemptJobs of group(list, (j) => num(j.run_attempt)).values()) {
        attemptJobs.forEach((j, i) => {
          const earlier = new Set(attemptJobs.slice(0, i).map((e) => e.job_key));
          for (const need of j.needs_jobs as string[]) expect(earlier.has(need)).toBe(true);
        });
      }
    }
    expect(jobs.some((j) => (j.needs_jobs as string[]).length > 0)).toBe(true);
  });

  test("a startup failure may have no jobs; other runs have some", () => {
    const empty = runs.filter((r) => !jobsByRun.has(num(r.id)));
    expect(empty.length).toBeGreaterThan(0);
    for (const r of empty) expect(r.conclusion).toBe("startup_failure");
  });

  test("run numbers count per workflow from 1", () => {
    for (const list of group(runs, (r) => num(r.workflow_id)).values()) {
      expect(list.map((r) => num(r.run_number)).sort((a, b) => a - b)).toEqual(list.map((_, i) => i + 1));
    }
  });

  test("ids are unique; runs of one repository are not numbered contiguously", () => {
    for (const t of ["accounts", "repositories", "workflows", "workflow_runs", "workflow_jobs", "workflow_artifacts", "personal_access_tokens"] as const) {
      expect(new Set(rows(t).map((r) => r.id)).size).toBe(rows(t).length);
    }
    for (const repoId of [1, 3, 1000]) {
      const ids = runs.filter((r) => r.repo_id === repoId).map((r) => num(r.id));
      expect(Math.max(...ids) - Math.min(...ids) + 1).toBeGreaterThan(ids.length);
    }
  });

  test("parents are written before their children", () => {
    const seen: Record<string, Set<number>> = { repositories: new Set(), workflows: new Set(), workflow_runs: new Set(), workflow_jobs: new Set() };
    const parentOf: Partial<Record<ForgeTable, [string, string]>> = {
      workflows: ["repo_id", "repositories"], workflow_runs: ["workflow_id", "workflows"],
      workflow_jobs: ["run_id", "workflow_runs"], workflow_steps: ["job_id", "workflow_jobs"], workflow_artifacts: ["run_id", "workflow_runs"],
    };
    for (const { table, rows: batch } of seeded.order) {
      const parent = parentOf[table];
      if (parent) for (const r of batch) expect(seen[parent[1]]!.has(num(r[parent[0]]))).toBe(true);
      if (seen[table]) for (const r of batch) seen[table]!.add(num(r.id));
      expect(batch.length).toBeLessThanOrEqual(2000);
    }
  });
});

describe("demo fixtures", () => {
  test("accounts, repositories and memberships have their fixed ids", () => {
    const accounts = new Map(rows("accounts").map((a) => [num(a.id), a]));
    for (const a of demoAccounts) expect(accounts.get(a.id)?.login).toBe(a.login);
    expect(accounts.get(4)!.suspended_at).not.toBeNull();
    expect(accounts.get(5)!.site_admin).toBe(true);
    expect(accounts.get(100)!.type).toBe("Organization");
    expect(rows("accounts").filter((a) => num(a.id) >= 8 && num(a.id) < 1000).map((a) => a.id)).toEqual([100, 101]);
    const repos = new Map(rows("repositories").map((r) => [num(r.id), r]));
    for (const r of demoRepositories) {
      expect(repos.get(r.id)).toMatchObject({ owner_id: r.ownerId, name: r.name, visibility: r.visibility, actions_enabled: r.actionsEnabled });
    }
    expect(repos.get(6)!.deleted_at).not.toBeNull();
    expect(rows("org_members").filter((m) => num(m.org_id) < 1000)).toEqual([
      expect.objectContaining({ org_id: 100, user_id: 1, role: "owner" }),
      expect.objectContaining({ org_id: 100, user_id: 3, role: "member" }),
      expect.objectContaining({ org_id: 101, user_id: 2, role: "member" }),
    ]);
    expect(rows("repo_collaborators").filter((c) => num(c.repo_id) < 1000)).toEqual([expect.objectContaining({ repo_id: 2, user_id: 2, permission: "read" })]);
    const ghost = 7;
    expect(rows("org_members").some((m) => m.user_id === ghost)).toBe(false);
    expect(rows("repo_collaborators").some((c) => c.user_id === ghost)).toBe(false);
    expect(rows("personal_access_tokens").some((t) => t.user_id === ghost)).toBe(false);
    expect(runs.some((r) => r.actor_id === ghost || r.triggering_actor_id === ghost)).toBe(false);
    expect(rows("accounts").filter((a) => num(a.id) >= 1000).length).toBeGreaterThan(0);
    expect(rows("repositories").filter((r) => num(r.id) >= 8).every((r) => num(r.id) >= 1000)).toBe(true);
  });

  test("tokens store the SHA-256 of the raw token, never the token", () => {
    const tokens = new Map(rows("personal_access_tokens").map((t) => [num(t.id), t]));
    for (const t of demoTokens) {
      const row = tokens.get(t.id)!;
      expect(row.token_hash).toBe(createHash("sha256").update(t.token).digest("hex"));
      expect(row.user_id).toBe(t.userId);
      expect(row.scopes).toEqual([...t.scopes]);
      expect(row.expires_at).toBe(t.expiresAt);
      expect(row.revoked_at).toBe(t.revokedAt);
    }
    expect(tokens.get(5)!.expires_at).toBe(Date.UTC(2020, 0, 1));
    expect(tokens.get(12)!.expires_at).toBe(Date.UTC(2099, 0, 1));
    const everything = JSON.stringify(seeded.tables);
    for (const t of demoTokens) expect(everything.includes(`"${t.token}"`)).toBe(false);
    for (const row of tokens.values()) expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("alice/hello-world: 260 runs, four workflows, a rename, re-runs, shared created_at, every actor", () => {
    const hello = runs.filter((r) => r.repo_id === 1);
    expect(hello.length).toBe(HELLO_WORLD_RUNS);
    const workflows = rows("workflows").filter((w) => w.repo_id === 1);
    expect(workflows.map((w) => [w.path, w.name, w.state]).sort()).toEqual([
      [".shithub/workflows/ci.yml", "CI", "active"],
      [".shithub/workflows/legacy.yml", "Legacy", "disabled_manually"],
      [".shithub/workflows/nightly.yml", "Nightly build", "active"],
      [".shithub/workflows/release.yml", "Release", "active"],
    ]);
    const ciRuns = hello.filter((r) => r.workflow_file === ".shithub/workflows/ci.yml").length;
    expect(ciRuns).toBeGreaterThan(hello.length / 2);
    const nightlyNames = new Set(hello.filter((r) => r.workflow_file === ".shithub/workflows/nightly.yml").map((r) => r.workflow_name));
    expect(nightlyNames).toEqual(new Set(["Nightly", "Nightly build"]));
    expect(hello.some((r) => r.run_attempt === 3)).toBe(true);
    expect([...group(hello, (r) => num(r.created_at)).values()].some((g) => g.length >= 3)).toBe(true);
    expect(new Set(hello.map((r) => r.actor_id))).toEqual(new Set([1, 2, 3, null]));
  });

  test("the other fixture repositories have 10 to 30 runs each, and fixture ids interleave", () => {
    for (const repoId of [2, 3, 4, 5, 6, 7]) {
      const n = runs.filter((r) => r.repo_id === repoId).length;
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThanOrEqual(30);
    }
    const fixtureWorkflows = rows("workflows").filter((w) => num(w.id) < 1000).map((w) => num(w.repo_id));
    expect(fixtureWorkflows).not.toEqual([...fixtureWorkflows].sort((a, b) => a - b));
  });
});

describe("sizes", () => {
  test("the monorepo (first generated repository) gets 20% of the generated runs", () => {
    expect(seeded.summary.monorepo).toEqual({ id: 1000, fullName: expect.stringMatching(/\/monorepo$/), runs: 400 });
    expect(runs.filter((r) => r.repo_id === 1000).length).toBe(400);
  });

  test("other sizes keep the share and the totals", async () => {
    const small = await capture({ repos: 7, runs: 555, seed: 9, jobsPerRun: { mean: 4, max: 12 } });
    const smallRuns = small.tables.workflow_runs!.filter((r) => num(r.id) >= 1000);
    expect(smallRuns.length).toBe(555);
    expect(smallRuns.filter((r) => r.repo_id === 1000).length).toBe(Math.round(555 * 0.2));
    const maxJobs = Math.max(...[...group(small.tables.workflow_jobs!, (j) => `${j.run_id}/${j.run_attempt}`).values()].map((g) => g.length));
    expect(maxJobs).toBeLessThanOrEqual(12);
  });

  test("no generated repositories means only the fixtures", async () => {
    const bare = await capture({ repos: 0, runs: 0, seed: 1 });
    expect(bare.summary.generatedRuns).toBe(0);
    expect(bare.summary.monorepo).toBeNull();
    await expect(capture({ repos: 0, runs: 10, seed: 1 })).rejects.toThrow(RangeError);
  });
});

describe("seedSqlite", () => {
  let dir: string;
  afterEach(() => removeTempDir(dir));
  test("writes the service schema with the rows, JSON arrays, 0/1 booleans and its provenance", async () => {
    const path = join((dir = tempDir("seed")), "seed.sqlite");
    const opts = { repos: 3, runs: 150, seed: 5 };
    const summary = await seedSqlite(path, opts, { state: { demo_hash: "abc" } });
    const db = new Database(path, { readonly: true });
    try {
      expect(db.query("PRAGMA user_version").get()).toEqual({ user_version: latestVersion });
      expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      const state = Object.fromEntries(db.query<{ key: string; value: string }, []>("SELECT key, value FROM sync_state").all().map((r) => [r.key, r.value]));
      expect(state).toMatchObject({ source: "seed", seed_options: JSON.stringify(opts), demo_hash: "abc" });
      for (const [table, count] of Object.entries(summary.rows)) {
        expect(db.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n).toBe(count);
      }
      expect(db.query("SELECT scopes, expires_at FROM personal_access_tokens WHERE id = 4").get()).toEqual({ scopes: '["user:read","gist"]', expires_at: null });
      expect(db.query("SELECT site_admin FROM accounts WHERE id = 5").get()).toEqual({ site_admin: 1 });
      expect(db.query("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'workflow_runs_repo_created'").get()).toEqual({ n: 1 });
      expect(db.query("SELECT count(*) AS n FROM sqlite_stat1").get()).not.toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  test("in rollback-journal mode the file can be deserialized (the embedded demo database)", async () => {
    const path = join((dir = tempDir("seed")), "demo.sqlite");
    await seedSqlite(path, { repos: 1, runs: 10, seed: 1 }, { journalMode: "delete" });
    const db = Database.deserialize(await Bun.file(path).bytes(), { readonly: true });
    expect(db.query("SELECT count(*) AS n FROM workflow_runs WHERE repo_id = 1").get()).toEqual({ n: HELLO_WORLD_RUNS });
    db.close();
  });
});
