// The query layer: one object that both API surfaces read through. Every statement is
// prepared once, the first time it runs (database.ts). Lookups below a repository take the
// repository's id, so nothing can be read across repositories by accident.
//
// Lookups that every request makes (tokens, repositories, memberships, a listing's total)
// are remembered per data version: the caller passes the version its request began at, and
// a null version (a database without a change signal) remembers nothing.
import type { WorkflowArtifact, Workflow, WorkflowJob, WorkflowStep } from "../../db/schema.ts";
import type { ServiceDatabase } from "./database.ts";
import { accessQueries } from "./access.ts";
import type { AccountRecord, CollaboratorPermission, RepositoryRecord, TokenHolder } from "./access.ts";
import { artifactQueries } from "./artifacts.ts";
import type { ArtifactRecord } from "./artifacts.ts";
import { RepositoryChanges } from "./changes.ts";
import type { Freshness } from "./changes.ts";
import { jobQueries } from "./jobs.ts";
import type { AttemptSelector } from "./jobs.ts";
import { runQueries } from "./runs.ts";
import type { RunFilter, RunRecord, Slice } from "./runs.ts";
import { ReadSnapshot } from "./snapshot.ts";
import type { ReadTransaction } from "./snapshot.ts";
import type { DataVersion, FactsVersion } from "./versioned-cache.ts";
import { workflowQueries } from "./workflows.ts";

export interface Store {
  /**
   * Read what the request about to be answered reads from one snapshot (snapshot.ts), until
   * `readDone`; the version is the one read when the request began. The pipeline calls both,
   * around each request's synchronous part.
   */
  readAt(version: DataVersion): void;
  readDone(): void;
  /**
   * Which repositories' answers changed, as of this data version (read when the version is
   * new); null when the database gives no change signal. Ask before anything else of a request.
   */
  changes(version: DataVersion): Freshness | null;
  /** The token with this hash and its owner, whatever their state: validity is the caller's rule. */
  findTokenByHash(hash: string, version: FactsVersion): TokenHolder | null;
  /** A live (not deleted) repository by owner login and name, case-insensitively; access is the caller's rule. */
  findRepository(ownerLogin: string, name: string, version: FactsVersion): RepositoryRecord | null;
  isCollaborator(repoId: number, userId: number, version: FactsVersion): boolean;
  isOrgMember(orgId: number, userId: number, version: FactsVersion): boolean;
  /** Any account by id, whatever its state (the caller has already judged the token's holder). */
  findAccount(id: number): AccountRecord | null;
  /** An account by login, case-insensitively; null for none. */
  findAccountByLogin(login: string): AccountRecord | null;
  /** The collaborator's permission on a repository, or null for someone who is not one. */
  collaboratorPermission(repoId: number, userId: number): CollaboratorPermission | null;
  /** The user's role in an organization, or null for a non-member. */
  orgRole(orgId: number, userId: number): "member" | "owner" | null;
  /** A repository's runs matching every filter given, newest first, and how many match in all. */
  listRuns(repoId: number, filter: RunFilter, slice: Slice, version: DataVersion): { runs: RunRecord[]; total: number };
  /** The run with this id if it belongs to this repository: a run of another repository does not exist here. */
  getRun(repoId: number, runId: number, version: DataVersion): RunRecord | null;
  /** Jobs of a run the caller has found in its repository: one attempt's, or every attempt's, in order. */
  listJobs(runId: number, attempt: AttemptSelector, slice: Slice): { jobs: WorkflowJob[]; total: number };
  /** The job with this id if its run belongs to this repository. */
  getJob(repoId: number, jobId: number): WorkflowJob | null;
  /** Steps of each job, in execution order, keyed by job id. */
  stepsOf(jobIds: readonly number[]): Map<number, WorkflowStep[]>;
  listWorkflows(repoId: number, slice: Slice): { workflows: Workflow[]; total: number };
  getWorkflow(repoId: number, id: number): Workflow | null;
  /** By the file's name (`ci.yml`) or its whole path (`.shithub/workflows/ci.yml`). */
  getWorkflowByFile(repoId: number, file: string): Workflow | null;
  /** Artifacts of a run the caller has found in its repository. */
  listArtifacts(runId: number, slice: Slice): { artifacts: WorkflowArtifact[]; total: number };
  /** A repository's artifacts (those named `name`, if given), newest run first. */
  listRepositoryArtifacts(repoId: number, name: string | undefined, slice: Slice): { artifacts: ArtifactRecord[]; total: number };
  /** One artifact of this repository's runs; null for an artifact of any other repository. */
  getArtifact(repoId: number, id: number): ArtifactRecord | null;
}

/** `readTransaction` absent: every statement is read on its own. */
export function createStore(db: ServiceDatabase, readTransaction?: ReadTransaction): Store {
  const changes = new RepositoryChanges(db);
  const access = accessQueries(db);
  const snapshot = readTransaction && new ReadSnapshot(readTransaction);
  return {
    readAt: snapshot ? (version) => snapshot.begin(version) : () => {},
    readDone: snapshot ? () => snapshot.end() : () => {},
    changes: (version) => changes.at(version),
    ...access,
    ...runQueries(db, (version) => changes.at(version)?.facts ?? null, access.findAccount),
    ...jobQueries(db),
    ...workflowQueries(db),
    ...artifactQueries(db),
  };
}

export type { ServiceDatabase } from "./database.ts";
export type { AccountRecord, CollaboratorPermission, RepositoryRecord, TokenHolder } from "./access.ts";
export type { ArtifactRecord } from "./artifacts.ts";
export type { ActorRecord, RunFilter, RunRecord, Slice } from "./runs.ts";
export type { AttemptSelector } from "./jobs.ts";
export type { DataVersion, FactsVersion } from "./versioned-cache.ts";
export type { ReadTransaction } from "./snapshot.ts";
export { readTransactionOf } from "./snapshot.ts";
export type { Freshness } from "./changes.ts";
