// GitHub's `workflow-run` from a forge run. Each run is its own check suite here, so
// check_suite_id is the run's id (and the `check_suite_id` filter matches on it).
import type { RunRecord } from "../../../store/index.ts";
import { JsonWriter, Repeated } from "../../serialized-json.ts";
import type { Written } from "../../serialized-json.ts";
import type { SerializedJson } from "../../serialized-json.ts";
import { isoSeconds } from "../../time.ts";
import { nodeId } from "../node-id.ts";
import { githubStatus } from "../status.ts";
import { simpleUser, simpleUserJson } from "./account.ts";
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

/** What the runs of one answer share: their repository's URLs, escaped once, and the texts they repeat. */
class RunWriter {
  private readonly runUrl: Repeated;
  private readonly htmlRunUrl: Repeated;
  private readonly checkSuiteUrl: Repeated;
  private readonly workflowUrl: Repeated;
  /** Texts that runs share (a push's sha, title and time; workflow names, branches): the same Repeated for the same text. */
  private readonly shared = new Map<string, Repeated>();
  /** The repository, serialized once for the repository and surface (present/repository.ts). */
  private readonly repository: Repeated;

  /** `page`: the runs of a listing, which share texts; else one run alone. */
  constructor(private readonly view: RepositoryView, private readonly page: boolean) {
    const api = view.urls.api;
    this.runUrl = new Repeated(opening(`${api}/actions/runs/`));
    this.htmlRunUrl = new Repeated(opening(`${view.urls.web}/actions/runs/`));
    this.checkSuiteUrl = new Repeated(opening(`${api}/check-suites/`));
    this.workflowUrl = new Repeated(opening(`${api}/actions/workflows/`));
    this.repository = repositoryJson(view);
  }

  /**
   * A text the run writes twice (its sha, title, time), as JSON: within a page, shared with the
   * runs that have it too, and escaped by its first run only (a page's thirty runs share a few
   * workflow names, branches and events: JSON.stringify was a quarter of presenting a page).
   */
  private twice(text: string): Repeated {
    if (!this.page) return new Repeated(q(text));
    let repeated = this.shared.get(text);
    if (repeated === undefined) this.shared.set(text, (repeated = new Repeated(q(text))));
    return repeated;
  }

  /** A text the run writes once, as JSON: within a page, shared with the runs that have it too (a workflow's name, a branch). */
  private once(text: string | null): Written {
    if (text === null) return "null";
    return this.page ? this.twice(text) : q(text);
  }

  /**
   * A run, as `workflowRun` gives it. Every string that comes from the data goes through
   * JSON.stringify; what the run repeats (its URL, sha, title and creation time, its actors,
   * its repository) is written as a Repeated, and so is each template's fixed text.
   */
  write(run: RunRecord, w: JsonWriter): void {
    const id = run.id;
    const url = new Repeated([this.runUrl, String(id)]);
    const createdAt = this.twice(isoSeconds(run.createdAt)!);
    const title = this.twice(run.displayTitle);
    const sha = this.twice(run.headSha);
    w.write`{"id":${id},"name":${this.once(run.workflowName)},"node_id":"${nodeId("WorkflowRun", id)}","check_suite_id":${id}`;
    w.write`,"check_suite_node_id":"${nodeId("CheckSuite", id)}","head_branch":${this.once(run.headRef)},"head_sha":${sha}`;
    w.write`,"path":${this.once(run.workflowFile)},"display_title":${title},"run_number":${run.runNumber},"run_attempt":${run.runAttempt}`;
    w.write`,"referenced_workflows":[],"event":${this.once(run.event)},"status":"${githubStatus(run.status)}","conclusion":${this.once(run.conclusion)}`;
    w.write`,"workflow_id":${run.workflowId},"url":${url}","html_url":${this.htmlRunUrl}${id}","pull_requests":[]`;
    // A time's ISO text has nothing JSON escapes.
    w.write`,"created_at":${createdAt},"updated_at":"${isoSeconds(run.updatedAt)!}"`;
    if (run.actor) w.write`,"actor":${simpleUserJson(run.actor, this.view.surface)}`;
    if (run.triggeringActor) w.write`,"triggering_actor":${simpleUserJson(run.triggeringActor, this.view.surface)}`;
    if (run.startedAt !== null) w.write`,"run_started_at":"${isoSeconds(run.startedAt)!}"`;
    w.write`,"jobs_url":${url}/jobs","logs_url":${url}/logs","check_suite_url":${this.checkSuiteUrl}${id}"`;
    w.write`,"artifacts_url":${url}/artifacts","cancel_url":${url}/cancel","rerun_url":${url}/rerun","previous_attempt_url":`;
    if (run.runAttempt > 1) w.write`${url}/attempts/${run.runAttempt - 1}"`;
    else w.literal("null");
    w.write`,"workflow_url":${this.workflowUrl}${run.workflowId}"`;
    w.write`,"head_commit":{"id":${sha},"tree_id":"","message":${title},"timestamp":${createdAt},"author":null,"committer":null}`;
    w.write`,"repository":${this.repository},"head_repository":${this.repository},"head_repository_id":${this.view.record.id}}`;
  }
}

const q = JSON.stringify;
/** An escaped string's opening and text without its closing quote, for an id to follow. */
const opening = (text: string) => q(text).slice(0, -1);

/**
 * A page of runs as JSON, written into `w`: the same text as JSON.stringify of `workflowRun`
 * for each run, field for field and in the same order (tests/surface/github-shapes.test.ts
 * holds the two equal over every run of the seeded data). Written out rather than built as
 * objects and stringified: a page is 30 to 100 runs of about 40 fields each, and this is most
 * of what a computed page costs. Most of a run is its repository, twice (8.7 KB of 12 KB),
 * and its actors: the repository is serialized once for as long as its record stands
 * (present/repository.ts), each actor for as long as its account record (present/account.ts),
 * and both are written as Repeated, as is
 * every template's fixed text, so that gzip sends them as references to their last copy
 * (src/http/json-plan.ts). The URLs' common beginnings are escaped once per page.
 */
export function writeWorkflowRuns(w: JsonWriter, runs: readonly RunRecord[], view: RepositoryView): void {
  const writer = new RunWriter(view, true);
  w.literal("[");
  for (let i = 0; i < runs.length; i++) {
    if (i > 0) w.literal(",");
    writer.write(runs[i]!, w);
  }
  w.literal("]");
}

/** One run as JSON: the text of `workflowRun` (not through an attempt), as a page writes each run. */
export function workflowRunJson(run: RunRecord, view: RepositoryView): SerializedJson {
  const w = new JsonWriter();
  new RunWriter(view, false).write(run, w);
  return w.done();
}

export type WorkflowRunObject = ReturnType<typeof workflowRun>;
