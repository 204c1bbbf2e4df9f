// The typed view of db/migrations/*.sql for drizzle. tests/schema.test.ts checks that the two
// describe the same columns, so a migration cannot drift from the queries written against it.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Milliseconds since the Unix epoch, UTC. */
const ms = (name: string) => integer(name);
const bool = (name: string) => integer(name, { mode: "boolean" });
const stringList = (name: string) => text(name, { mode: "json" }).$type<string[]>();

export const accounts = sqliteTable("accounts", {
  id: integer("id").primaryKey(),
  login: text("login").notNull(),
  type: text("type").$type<"User" | "Organization">().notNull(),
  siteAdmin: bool("site_admin").notNull().default(false),
  suspendedAt: ms("suspended_at"),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
}, (t) => [index("accounts_login").on(t.login)]);

export const orgMembers = sqliteTable("org_members", {
  orgId: integer("org_id").notNull(),
  userId: integer("user_id").notNull(),
  role: text("role").$type<"member" | "owner">().notNull(),
  updatedAt: ms("updated_at").notNull(),
}, (t) => [primaryKey({ columns: [t.orgId, t.userId] })]);

export type Visibility = "public" | "internal" | "private";

export const repositories = sqliteTable("repositories", {
  id: integer("id").primaryKey(),
  ownerId: integer("owner_id").notNull(),
  name: text("name").notNull(),
  visibility: text("visibility").$type<Visibility>().notNull(),
  actionsEnabled: bool("actions_enabled").notNull().default(true),
  defaultBranch: text("default_branch").notNull().default("main"),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
  deletedAt: ms("deleted_at"),
});

export const repoCollaborators = sqliteTable("repo_collaborators", {
  repoId: integer("repo_id").notNull(),
  userId: integer("user_id").notNull(),
  permission: text("permission").notNull(),
  updatedAt: ms("updated_at").notNull(),
}, (t) => [primaryKey({ columns: [t.repoId, t.userId] })]);

export const personalAccessTokens = sqliteTable("personal_access_tokens", {
  id: integer("id").primaryKey(),
  userId: integer("user_id").notNull(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull(),
  scopes: stringList("scopes").notNull(),
  expiresAt: ms("expires_at"),
  revokedAt: ms("revoked_at"),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
}, (t) => [index("personal_access_tokens_hash").on(t.tokenHash)]);

export type WorkflowState = "active" | "disabled_manually" | "disabled_inactivity" | "deleted";

export const workflows = sqliteTable("workflows", {
  id: integer("id").primaryKey(),
  repoId: integer("repo_id").notNull(),
  path: text("path").notNull(),
  name: text("name").notNull(),
  state: text("state").$type<WorkflowState>().notNull(),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
});

/** The forge's vocabulary (GitHub says `in_progress` where the forge says `running`). */
export type RunStatus = "queued" | "waiting" | "running" | "completed";
export type StepStatus = "queued" | "running" | "completed";

export const workflowRuns = sqliteTable("workflow_runs", {
  id: integer("id").primaryKey(),
  repoId: integer("repo_id").notNull(),
  workflowId: integer("workflow_id").notNull(),
  runNumber: integer("run_number").notNull(),
  runAttempt: integer("run_attempt").notNull().default(1),
  workflowFile: text("workflow_file").notNull(),
  workflowName: text("workflow_name").notNull(),
  displayTitle: text("display_title").notNull(),
  headSha: text("head_sha").notNull(),
  headRef: text("head_ref").notNull(),
  event: text("event").notNull(),
  status: text("status").$type<RunStatus>().notNull(),
  conclusion: text("conclusion"),
  actorId: integer("actor_id"),
  triggeringActorId: integer("triggering_actor_id"),
  startedAt: ms("started_at"),
  completedAt: ms("completed_at"),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
});

export const workflowJobs = sqliteTable("workflow_jobs", {
  id: integer("id").primaryKey(),
  runId: integer("run_id").notNull(),
  runAttempt: integer("run_attempt").notNull().default(1),
  jobIndex: integer("job_index").notNull(),
  jobKey: text("job_key").notNull(),
  jobName: text("job_name").notNull(),
  runsOn: text("runs_on").notNull(),
  status: text("status").$type<RunStatus>().notNull(),
  conclusion: text("conclusion"),
  cancelRequested: bool("cancel_requested").notNull().default(false),
  needsJobs: stringList("needs_jobs").notNull(),
  runnerName: text("runner_name"),
  startedAt: ms("started_at"),
  completedAt: ms("completed_at"),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
});

export const workflowSteps = sqliteTable("workflow_steps", {
  jobId: integer("job_id").notNull(),
  number: integer("number").notNull(),
  name: text("name").notNull(),
  status: text("status").$type<StepStatus>().notNull(),
  conclusion: text("conclusion"),
  startedAt: ms("started_at"),
  completedAt: ms("completed_at"),
  updatedAt: ms("updated_at").notNull(),
}, (t) => [primaryKey({ columns: [t.jobId, t.number] })]);

export const workflowArtifacts = sqliteTable("workflow_artifacts", {
  id: integer("id").primaryKey(),
  runId: integer("run_id").notNull(),
  name: text("name").notNull(),
  sizeInBytes: integer("size_in_bytes").notNull(),
  expiresAt: ms("expires_at"),
  createdAt: ms("created_at").notNull(),
  updatedAt: ms("updated_at").notNull(),
});

/** Runs per repository and day of created_at, kept by triggers (0002_run_days.sql); not a forge table. */
export const runDays = sqliteTable("run_days", {
  repoId: integer("repo_id").notNull(),
  day: integer("day").notNull(),
  runs: integer("runs").notNull(),
}, (t) => [primaryKey({ columns: [t.repoId, t.day] })]);

/** Milliseconds in one of run_days' days. */
export const runDayMs = 86_400_000;

export const syncState = sqliteTable("sync_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** The sync's heartbeat (0003_sync_heartbeat.sql): one row, read by every server of the file. */
export const syncHeartbeat = sqliteTable("sync_heartbeat", {
  id: integer("id").primaryKey(),
  state: text("state").notNull(),
  stateSince: integer("state_since").notNull(),
  beatAt: integer("beat_at").notNull(),
  heartbeatEveryMs: integer("heartbeat_every_ms").notNull(),
  staleAfterMs: integer("stale_after_ms").notNull(),
  freshWithinMs: integer("fresh_within_ms").notNull(),
  lastPollAt: integer("last_poll_at"),
  dataAsOf: integer("data_as_of"),
  lagMs: integer("lag_ms"),
  lastBatchAt: integer("last_batch_at"),
  rowsApplied: integer("rows_applied").notNull(),
  polls: integer("polls").notNull(),
  loadTable: text("load_table"),
  loadRows: integer("load_rows"),
  lastError: text("last_error"),
  sourceRole: text("source_role"),
  sourceReceiving: integer("source_receiving"),
  replicationLagMs: integer("replication_lag_ms"),
  sourceNextXid: integer("source_next_xid"),
  sourceDeletedSeq: integer("source_deleted_seq"),
});

export type Account = typeof accounts.$inferSelect;
export type Repository = typeof repositories.$inferSelect;
export type Token = typeof personalAccessTokens.$inferSelect;
export type Workflow = typeof workflows.$inferSelect;
export type WorkflowRun = typeof workflowRuns.$inferSelect;
export type WorkflowJob = typeof workflowJobs.$inferSelect;
export type WorkflowStep = typeof workflowSteps.$inferSelect;
export type WorkflowArtifact = typeof workflowArtifacts.$inferSelect;

/** The forge tables this service copies, in the order a full load writes them. */
export const forgeTables = {
  accounts, org_members: orgMembers, repositories, repo_collaborators: repoCollaborators,
  personal_access_tokens: personalAccessTokens, workflows, workflow_runs: workflowRuns,
  workflow_jobs: workflowJobs, workflow_steps: workflowSteps, workflow_artifacts: workflowArtifacts,
} as const;
export type ForgeTable = keyof typeof forgeTables;
