// The forge's run history as one stream in creation order: each repository's runs are spread
// over its own time window, and the repositories are merged by time, so run ids (given in
// stream order) interleave across repositories. Memory is one cursor per repository.
import { HOUR, IN_PROGRESS_FROM, MINUTE, SECOND } from "./clock.ts";
import { isActiveAt, workflowNameAt, type ForcedOutcome, type RepoPlan, type WorkflowPlan } from "./plan.ts";
import type { Random } from "./random.ts";
import type { CountSpread } from "./types.ts";
import {
  commitSubjects, eventWeights, pullRequestTitles, releaseBranches, topicBranches, type RunEvent,
} from "./vocabulary.ts";

export type RunStatus = "queued" | "waiting" | "running" | "completed";

/** Everything about a run that is decided before its jobs are laid out. */
export interface RunHeader {
  id: number;
  repo: RepoPlan;
  workflow: WorkflowPlan;
  runNumber: number;
  workflowName: string;
  event: RunEvent;
  headRef: string;
  headSha: string;
  displayTitle: string;
  actorId: number | null;
  triggeringActorId: number | null;
  createdAt: number;
  status: RunStatus;
  conclusion: string | null;
  attempts: number;
  jobCount: number;
}

const completedConclusions: readonly (readonly [string, number])[] = [
  ["success", 72], ["failure", 12], ["cancelled", 5], ["skipped", 3], ["timed_out", 1.5],
  ["neutral", 1], ["action_required", 2], ["startup_failure", 1.5], ["stale", 1],
];
const inProgressStatuses: readonly (readonly [RunStatus, number])[] = [
  ["running", 50], ["queued", 25], ["waiting", 12], ["completed", 13],
];
/** Conclusions after which nobody re-runs: the run never got as far as its jobs. */
const singleAttempt = new Set(["startup_failure", "skipped", "action_required", "stale"]);

interface Cursor {
  plan: RepoPlan;
  emitted: number;
  createdAt: number;
  /** When the row lands in the forge: a little after createdAt, so id order and created_at order differ slightly. */
  insertedAt: number;
  releases: number;
  pulls: number;
}

export class RunStream {
  private readonly heap: Cursor[] = [];

  constructor(
    plans: readonly RepoPlan[],
    private readonly rng: Random,
    private readonly jobsPerRun: CountSpread,
    private nextRunId: number,
  ) {
    for (const plan of plans) {
      if (plan.runs <= 0 || plan.workflows.length === 0) continue;
      const cursor: Cursor = { plan, emitted: 0, createdAt: 0, insertedAt: 0, releases: 0, pulls: 0 };
      this.schedule(cursor);
      this.push(cursor);
    }
  }

  /** The next event's runs (one, or several sharing one created_at), or null at the end. */
  next(): RunHeader[] | null {
    const cursor = this.heap[0];
    if (cursor === undefined) return null;
    const headers = this.emit(cursor);
    cursor.emitted += headers.length;
    if (cursor.emitted < cursor.plan.runs) {
      this.schedule(cursor);
      this.siftDown(0);
    } else {
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.siftDown(0);
      }
    }
    return headers;
  }

  private schedule(c: Cursor): void {
    const { runs, runsFrom, runsUntil, inProgressTail } = c.plan;
    const tail = Math.min(inProgressTail, runs);
    const main = runs - tail;
    const u = this.rng.next();
    if (c.emitted < main) {
      const until = tail > 0 ? Math.min(runsUntil, IN_PROGRESS_FROM) : runsUntil;
      c.createdAt = Math.floor(runsFrom + ((c.emitted + u) / main) * (until - runsFrom));
    } else {
      const k = c.emitted - main;
      c.createdAt = Math.floor(IN_PROGRESS_FROM + ((k + u) / tail) * (HOUR - 5 * MINUTE));
    }
    c.insertedAt = c.createdAt + this.rng.int(0, 90 * SECOND);
  }

  private emit(c: Cursor): RunHeader[] {
    const { plan } = c;
    const rng = this.rng;
    const at = c.createdAt;
    let active = plan.workflows.filter((w) => isActiveAt(w, at));
    if (active.length === 0) active = [plan.workflows[0]!];
    const listening = (e: RunEvent) => active.filter((w) => w.on.includes(e));
    const event = rng.weighted(eventWeights.filter(([e]) => listening(e).length > 0));
    const sha = rng.hex(40);

    // Publishing a release pushes its tag too: the release run and the tag's push runs share created_at.
    const triggered: { workflow: WorkflowPlan; event: RunEvent }[] =
      event === "release"
        ? [...listening("release").map((w) => ({ workflow: w, event })), ...listening("push").map((w) => ({ workflow: w, event: "push" as const }))]
        : event === "push" || event === "pull_request"
          ? listening(event).map((w) => ({ workflow: w, event }))
          : [{ workflow: rng.pick(listening(event)), event }];
    const count = Math.min(triggered.length, plan.runs - c.emitted);

    let ref: string;
    let title: string;
    switch (event) {
      case "push": {
        ref = rng.weighted([[plan.defaultBranch, 55], [rng.pick(releaseBranches), 10], [rng.pick(topicBranches), 35]]);
        const pr = c.pulls + rng.int(1, 40);
        title = ref === plan.defaultBranch && rng.chance(0.3)
          ? `Merge pull request #${pr} from ${plan.fullName.split("/")[0]}/${rng.pick(topicBranches)}`
          : rng.pick(commitSubjects);
        break;
      }
      case "pull_request":
        c.pulls++;
        ref = rng.chance(0.9) ? rng.pick(topicBranches) : rng.pick(releaseBranches);
        title = rng.pick(pullRequestTitles);
        break;
      case "release":
        ref = `v1.${Math.floor(c.releases / 4)}.${c.releases % 4}`;
        c.releases++;
        title = `Release ${ref}`;
        break;
      case "schedule":
        ref = plan.defaultBranch;
        title = workflowNameAt(triggered[0]!.workflow, at);
        break;
      case "workflow_dispatch":
        ref = rng.chance(0.7) ? plan.defaultBranch : rng.pick(releaseBranches);
        title = workflowNameAt(triggered[0]!.workflow, at);
        break;
    }
    // A cron job runs as whoever last edited the schedule: the repository's main actor.
    const actorId = event === "schedule" ? plan.actors[0]! : rng.pick(plan.actors);

    const headers: RunHeader[] = [];
    for (let i = 0; i < count; i++) {
      const { workflow, event: runEvent } = triggered[i]!;
      const forced = plan.forced?.get(c.emitted + i);
      const outcome = this.outcome(at, runEvent, forced);
      const rerunBy = outcome.attempts > 1 ? rng.pick(plan.actors) : actorId;
      headers.push({
        id: this.nextRunId++,
        repo: plan,
        workflow,
        runNumber: workflow.nextRunNumber++,
        workflowName: workflowNameAt(workflow, at),
        event: runEvent,
        headRef: ref,
        headSha: sha,
        displayTitle: title,
        actorId,
        triggeringActorId: rerunBy,
        createdAt: at,
        ...outcome,
        jobCount: outcome.conclusion === "startup_failure" ? 0 : rng.count(1, this.jobsPerRun),
      });
    }
    return headers;
  }

  private outcome(at: number, event: RunEvent, forced: ForcedOutcome | undefined) {
    const rng = this.rng;
    const status: RunStatus = forced?.status ?? (at >= IN_PROGRESS_FROM ? rng.weighted(inProgressStatuses) : "completed");
    let conclusion: string | null = null;
    if (status === "completed") {
      conclusion = forced?.conclusion ?? rng.weighted(completedConclusions);
      // Only a pull request from an outside contributor waits for approval.
      if (conclusion === "action_required" && event !== "pull_request" && forced?.conclusion === undefined) conclusion = "success";
    }
    let attempts = forced?.attempts ?? 1;
    if (forced?.attempts === undefined) {
      if (status === "completed" && !singleAttempt.has(conclusion!)) attempts = rng.weighted([[1, 92.5], [2, 6], [3, 1.5]]);
      else if (status === "running") attempts = rng.chance(0.05) ? 2 : 1;
    }
    return { status, conclusion, attempts };
  }

  private push(c: Cursor): void {
    this.heap.push(c);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.heap[i]!, this.heap[parent]!)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent]!, this.heap[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  private before(a: Cursor, b: Cursor): boolean {
    return a.insertedAt !== b.insertedAt ? a.insertedAt < b.insertedAt : a.plan.id < b.plan.id;
  }

  get lastRunId(): number {
    return this.nextRunId - 1;
  }
}
