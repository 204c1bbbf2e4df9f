// GitHub's `workflow-run` from a forge run. Each run is its own check suite here, so
// check_suite_id is the run's id (and the `check_suite_id` filter matches on it).
import type { RunRecord } from "../../../store/index.ts";
import type { JsonPart } from "../../serialized-json.ts";
import { isoSeconds } from "../../time.ts";
import { nodeId } from "../node-id.ts";
import { githubStatus } from "../status.ts";
import { simpleUser } from "./account.ts";
import { repositoryJson } from "./repository.ts";
import type { RepositoryView } from "./repository.ts";

export interface RunShownAs {
  /** Reached through …/attempts/{n}: its jobs and logs are that attempt's. */
  viaAttempt?: boolean;
}

/** The fields before the actors, in GitHub's order. */
function leading(run: RunRecord, view: RepositoryView, createdAt: string) {
  const url = `${view.urls.api}/actions/runs/${run.id}`;
  return {
    id: run.id,
    name: run.workflowName,
    node_id: nodeId("WorkflowRun", run.id),
    check_suite_id: run.id,
    check_suite_node_id: nodeId("CheckSuite", run.id),
    head_branch: run.headRef,
    head_sha: run.headSha,
    path: run.workflowFile,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    event: run.event,
    status: githubStatus(run.status),
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${view.urls.web}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: createdAt,
    updated_at: isoSeconds(run.updatedAt)!,
  };
}

/** The fields between the actors and the repository. */
function trailing(run: RunRecord, view: RepositoryView, shown: RunShownAs, createdAt: string) {
  const api = view.urls.api;
  const url = `${api}/actions/runs/${run.id}`;
  const attemptUrl = shown.viaAttempt ? `${url}/attempts/${run.runAttempt}` : url;
  return {
    ...(run.startedAt !== null && { run_started_at: isoSeconds(run.startedAt)! }),
    jobs_url: `${attemptUrl}/jobs`,
    logs_url: `${attemptUrl}/logs`,
    check_suite_url: `${api}/check-suites/${run.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${url}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${run.workflowId}`,
    // What the forge knows of the head commit: its sha, and the run's title (the commit
    // subject for a push). It records no tree, author or committer.
    head_commit: {
      id: run.headSha,
      tree_id: "",
      message: run.displayTitle,
      timestamp: createdAt,
      author: null,
      committer: null,
    },
  };
}

export function workflowRun(run: RunRecord, view: RepositoryView, shown: RunShownAs = {}) {
  const createdAt = isoSeconds(run.createdAt)!;
  return {
    ...leading(run, view, createdAt),
    // The schema has no null for these: an account that is gone is left out, not made up.
    ...(run.actor && { actor: simpleUser(run.actor, view.surface) }),
    ...(run.triggeringActor && { triggering_actor: simpleUser(run.triggeringActor, view.surface) }),
    ...trailing(run, view, shown, createdAt),
    repository: view.minimal,
    head_repository: view.minimal,
    head_repository_id: view.record.id,
  };
}

/** What the runs of one answer share: their repository's URLs, escaped once, and their actors, serialized once. */
class RunWriter {
  private readonly runUrl: string;
  private readonly htmlRunUrl: string;
  private readonly checkSuiteUrl: string;
  private readonly workflowUrl: string;
  private readonly users = new Map<number, string>();
  /** The repository, serialized once for the repository and surface (present/repository.ts). */
  private readonly repository: Uint8Array;
  private readonly headRepositoryId: string;

  constructor(private readonly view: RepositoryView) {
    const api = view.urls.api;
    this.runUrl = opening(`${api}/actions/runs/`);
    this.htmlRunUrl = opening(`${view.urls.web}/actions/runs/`);
    this.checkSuiteUrl = opening(`${api}/check-suites/`);
    this.workflowUrl = opening(`${api}/actions/workflows/`);
    this.repository = repositoryJson(view);
    this.headRepositoryId = `,"head_repository_id":${view.record.id}}`;
  }

  /** A run: its own text, then its repository twice, as parts of the answer. */
  write(run: RunRecord, out: JsonPart[], before = ""): void {
    out.push(`${before}${this.text(run)},"repository":`, this.repository, `,"head_repository":`, this.repository, this.headRepositoryId);
  }

  private user(account: NonNullable<RunRecord["actor"]>): string {
    let json = this.users.get(account.id);
    if (json === undefined) this.users.set(account.id, (json = q(simpleUser(account, this.view.surface))));
    return json;
  }

  /** The run's text up to its repository. */
  private text(run: RunRecord): string {
    const id = run.id;
    const url = `${this.runUrl}${id}`;
    const createdAt = q(isoSeconds(run.createdAt));
    const title = q(run.displayTitle);
    const sha = q(run.headSha);
    return `{"id":${id},"name":${q(run.workflowName)},"node_id":"${nodeId("WorkflowRun", id)}","check_suite_id":${id}`
      + `,"check_suite_node_id":"${nodeId("CheckSuite", id)}","head_branch":${q(run.headRef)},"head_sha":${sha}`
      + `,"path":${q(run.workflowFile)},"display_title":${title},"run_number":${run.runNumber},"run_attempt":${run.runAttempt}`
      + `,"referenced_workflows":[],"event":${q(run.event)},"status":"${githubStatus(run.status)}","conclusion":${q(run.conclusion)}`
      + `,"workflow_id":${run.workflowId},"url":${url}","html_url":${this.htmlRunUrl}${id}","pull_requests":[]`
      + `,"created_at":${createdAt},"updated_at":${q(isoSeconds(run.updatedAt))}`
      + (run.actor ? `,"actor":${this.user(run.actor)}` : "")
      + (run.triggeringActor ? `,"triggering_actor":${this.user(run.triggeringActor)}` : "")
      + (run.startedAt !== null ? `,"run_started_at":${q(isoSeconds(run.startedAt))}` : "")
      + `,"jobs_url":${url}/jobs","logs_url":${url}/logs","check_suite_url":${this.checkSuiteUrl}${id}"`
      + `,"artifacts_url":${url}/artifacts","cancel_url":${url}/cancel","rerun_url":${url}/rerun"`
      + `,"previous_attempt_url":${run.runAttempt > 1 ? `${url}/attempts/${run.runAttempt - 1}"` : "null"}`
      + `,"workflow_url":${this.workflowUrl}${run.workflowId}"`
      + `,"head_commit":{"id":${sha},"tree_id":"","message":${title},"timestamp":${createdAt},"author":null,"committer":null}`;
  }
}

const q = JSON.stringify;
/** An escaped string's opening and text without its closing quote, for an id to follow. */
const opening = (text: string) => q(text).slice(0, -1);

/**
 * A page of runs as JSON, in parts: the same text as JSON.stringify of `workflowRun` for each run,
 * field for field and in the same order (tests/surface/github-shapes.test.ts holds the two
 * equal over every run of the seeded data). Written out rather than built as objects and
 * stringified: a page is 30 to 100 runs of about 40 fields each, and this is most of what a
 * computed page costs. Most of a run is its repository, twice (8.7 KB of 12 KB), and its
 * actors: the repository is serialized and encoded once for as long as its record stands
 * (present/repository.ts) and the answer copies its bytes into each run, each actor is
 * serialized once per page. Every string that comes from the data goes through JSON.stringify; the URLs' common
 * beginnings are escaped once per page.
 */
export function workflowRunsJson(runs: readonly RunRecord[], view: RepositoryView): JsonPart[] {
  const writer = new RunWriter(view);
  const out: JsonPart[] = [];
  for (let i = 0; i < runs.length; i++) writer.write(runs[i]!, out, i === 0 ? "[" : ",");
  out.push(runs.length === 0 ? "[]" : "]");
  return out;
}

/** One run as JSON, in parts: the text of `workflowRun` (not through an attempt), as a page writes each run. */
export function workflowRunJson(run: RunRecord, view: RepositoryView): JsonPart[] {
  const out: JsonPart[] = [];
  new RunWriter(view).write(run, out);
  return out;
}

export type WorkflowRunObject = ReturnType<typeof workflowRun>;
