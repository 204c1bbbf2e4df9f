// Lays out one run: every attempt's jobs along the workflow's graph (entry → matrix → exit),
// each job's steps, and the artifacts, with statuses, conclusions and timestamps that agree
// with each other and with the run.
import { DAY, HOUR, IN_PROGRESS_FROM, MINUTE, NOW, SECOND } from "./clock.ts";
import type { Random } from "./random.ts";
import type { RunHeader, RunStatus } from "./run-stream.ts";
import type { CountSpread, Row } from "./types.ts";
import { artifactNames, jobGraphs, stepNames, stepSeconds } from "./vocabulary.ts";

export interface RunRows {
  run: Row;
  jobs: Row[];
  steps: Row[];
  artifacts: Row[];
}

/** What happens to one job in one attempt. */
type Fate =
  | "success" | "failure" | "timed_out" | "neutral" | "cancelled" | "running"
  | "not_started_cancelled" | "skipped" | "action_required" | "queued" | "waiting";

const ran = new Set<Fate>(["success", "failure", "timed_out", "neutral", "cancelled", "running"]);
const jobConclusion: Partial<Record<Fate, string>> = {
  success: "success", failure: "failure", timed_out: "timed_out", neutral: "neutral", cancelled: "cancelled",
  not_started_cancelled: "cancelled", skipped: "skipped", action_required: "action_required",
};
const jobStatus = (f: Fate): RunStatus => (f === "running" || f === "queued" || f === "waiting" ? f : "completed");

/** Nothing is dated after the moment the forge is looked at. */
const LATEST = NOW - SECOND;
const clamp = (t: number) => Math.min(t, LATEST);
/** A job is cut off after this long (the workflow's timeout-minutes). */
const JOB_TIMEOUT = 30 * MINUTE;

interface GraphJob { key: string; name: string; runsOn: string; level: number; needs: string[] }

interface Outcome { status: RunStatus; conclusion: string | null }

export class RunRowBuilder {
  constructor(
    private readonly rng: Random,
    private readonly stepsPerJob: CountSpread,
    private nextJobId: number,
    private nextArtifactId: number,
  ) {}

  get lastJobId(): number {
    return this.nextJobId - 1;
  }

  get lastArtifactId(): number {
    return this.nextArtifactId - 1;
  }

  build(h: RunHeader): RunRows {
    const rng = this.rng;
    const hurried = h.createdAt >= IN_PROGRESS_FROM;
    const graph = this.graph(h);
    const jobs: Row[] = [];
    const steps: Row[] = [];
    let attemptStart = clamp(h.createdAt + rng.int(2 * SECOND, 40 * SECOND));
    let attemptEnd = attemptStart;
    let lastJobUpdate = h.createdAt;
    for (let attempt = 1; attempt <= h.attempts; attempt++) {
      const latest = attempt === h.attempts;
      const outcome: Outcome = latest
        ? { status: h.status, conclusion: h.conclusion }
        : { status: "completed", conclusion: rng.weighted([["failure", 70], ["cancelled", 20], ["success", 10]]) };
      const fates = this.fates(graph, outcome, h);
      const result = this.layAttempt(h, graph, fates, attempt, attemptStart, hurried, jobs, steps);
      attemptEnd = result.end;
      lastJobUpdate = result.lastUpdate;
      if (!latest) {
        const gap = hurried ? rng.int(10 * SECOND, 3 * MINUTE) : rng.int(MINUTE, 3 * HOUR);
        attemptStart = clamp(attemptEnd + gap);
      }
    }

    const completed = h.status === "completed";
    const startedAt = h.status === "queued" ? null : attemptStart;
    const completedAt = completed ? clamp(graph.length === 0 ? attemptStart + rng.int(SECOND, 5 * SECOND) : attemptEnd) : null;
    const updatedAt = clamp(Math.max(completedAt ?? 0, lastJobUpdate, startedAt ?? 0, h.createdAt) + (completed ? rng.int(0, 3 * SECOND) : 0));
    const run: Row = {
      id: h.id,
      repo_id: h.repo.id,
      workflow_id: h.workflow.id,
      run_number: h.runNumber,
      run_attempt: h.attempts,
      workflow_file: h.workflow.path,
      workflow_name: h.workflowName,
      display_title: h.displayTitle,
      head_sha: h.headSha,
      head_ref: h.headRef,
      event: h.event,
      status: h.status,
      conclusion: h.conclusion,
      actor_id: h.actorId,
      triggering_actor_id: h.triggeringActorId,
      started_at: startedAt,
      completed_at: completedAt,
      created_at: h.createdAt,
      updated_at: updatedAt,
    };
    return { run, jobs, steps, artifacts: completedAt === null ? [] : this.artifacts(h, startedAt ?? h.createdAt, completedAt) };
  }

  private graph(h: RunHeader): GraphJob[] {
    const shape = jobGraphs[h.workflow.kind];
    const n = h.jobCount;
    if (n === 0) return [];
    const jobs: GraphJob[] = [{ ...shape.entry, level: 0, needs: [] }];
    const cells = n >= 3 ? n - 2 : n - 1;
    for (let i = 0; i < cells; i++) jobs.push({ key: shape.matrix.key, ...shape.matrix.cell(i, cells), level: 1, needs: [shape.entry.key] });
    if (n >= 3) jobs.push({ ...shape.exit, level: 2, needs: [shape.matrix.key] });
    return jobs;
  }

  private fates(graph: readonly GraphJob[], o: Outcome, h: RunHeader): Fate[] {
    const rng = this.rng;
    const top = graph.length === 0 ? 0 : graph[graph.length - 1]!.level;
    const inLevel = (level: number) => graph.flatMap((j, i) => (j.level === level ? [i] : []));
    const byLevel = (f: (level: number, index: number) => Fate) => graph.map((j, i) => f(j.level, i));
    switch (o.status) {
      case "queued":
        return graph.map(() => "queued");
      case "waiting": // The last level waits for an environment's approval.
        return byLevel((level) => (level < top ? "success" : "waiting"));
      case "running": {
        const frontier = rng.int(0, top);
        const first = inLevel(frontier)[0];
        return byLevel((level, i) =>
          level < frontier ? "success" : level > frontier ? "queued" : i === first || rng.chance(0.6) ? "running" : "success");
      }
      case "completed":
        break;
    }
    switch (o.conclusion) {
      case "success": {
        const skipExit = h.event === "pull_request" && jobGraphs[h.workflow.kind].exitDeploys && top === 2;
        return byLevel((level) => (skipExit && level === 2 ? "skipped" : "success"));
      }
      case "failure":
      case "timed_out": {
        const level = top >= 1 && rng.chance(0.7) ? 1 : 0;
        const culprit = rng.pick(inLevel(level));
        const fate: Fate = o.conclusion;
        return byLevel((l, i) =>
          l < level ? "success" : l > level ? "skipped" : i === culprit ? fate : fate === "failure" && rng.chance(0.3) ? "cancelled" : "success");
      }
      case "cancelled": {
        const level = rng.int(0, top);
        return byLevel((l) => (l < level ? "success" : l > level ? "not_started_cancelled" : "cancelled"));
      }
      case "neutral": {
        const odd = rng.int(0, graph.length - 1);
        return graph.map((_, i) => (i === odd ? "neutral" : "success"));
      }
      case "skipped":
        return graph.map(() => "skipped");
      case "action_required":
        return graph.map(() => "action_required");
      default: // stale: nothing ever picked the jobs up
        return graph.map(() => "not_started_cancelled");
    }
  }

  /** Writes one attempt's jobs and steps; returns when the attempt ended and its latest job update. */
  private layAttempt(
    h: RunHeader, graph: readonly GraphJob[], fates: readonly Fate[], attempt: number, attemptStart: number,
    hurried: boolean, jobs: Row[], steps: Row[],
  ): { end: number; lastUpdate: number } {
    const rng = this.rng;
    const staleAt = clamp(attemptStart + rng.int(6 * HOUR, DAY));
    let levelStart = attemptStart;
    let level = 0;
    let levelEnd = attemptStart;
    let end = attemptStart;
    let lastUpdate = attemptStart;
    const staleNow = h.conclusion === "stale" && attempt === h.attempts;
    graph.forEach((g, index) => {
      if (g.level !== level) {
        level = g.level;
        levelStart = clamp(levelEnd + rng.int(SECOND, 8 * SECOND));
        levelEnd = levelStart;
      }
      const fate = fates[index]!;
      const jobId = this.nextJobId++;
      let startedAt: number | null = null;
      let completedAt: number | null = null;
      let updatedAt = attemptStart;
      if (ran.has(fate)) {
        startedAt = clamp(levelStart + rng.int(SECOND, 25 * SECOND));
        const laid = this.laySteps(jobId, g.key, fate, startedAt, hurried, steps);
        completedAt = laid.end === null ? null : clamp(laid.end + rng.int(0, 2 * SECOND));
        updatedAt = completedAt ?? laid.lastUpdate;
      } else if (fate === "not_started_cancelled" && staleNow) {
        startedAt = completedAt = updatedAt = staleAt;
      } else if (fate === "action_required") {
        startedAt = completedAt = updatedAt = attemptStart;
      } else if (fate === "skipped" || fate === "not_started_cancelled") {
        startedAt = completedAt = updatedAt = levelStart;
      }
      if (completedAt !== null) levelEnd = Math.max(levelEnd, completedAt);
      end = Math.max(end, completedAt ?? startedAt ?? attemptStart);
      lastUpdate = Math.max(lastUpdate, updatedAt);
      jobs.push({
        id: jobId,
        run_id: h.id,
        run_attempt: attempt,
        job_index: index,
        job_key: g.key,
        job_name: g.name,
        runs_on: g.runsOn,
        status: jobStatus(fate),
        conclusion: jobConclusion[fate] ?? null,
        cancel_requested: fate === "cancelled" || (fate === "not_started_cancelled" && !staleNow),
        needs_jobs: g.needs,
        runner_name: startedAt !== null && ran.has(fate) ? runnerName(g.runsOn, rng.int(1, 40)) : null,
        started_at: startedAt,
        completed_at: completedAt,
        created_at: attemptStart,
        updated_at: updatedAt,
      });
    });
    return { end, lastUpdate };
  }

  /** A job that ran: its steps from "Set up job" to "Complete job". end is null while it runs. */
  private laySteps(
    jobId: number, jobKey: string, fate: Fate, startedAt: number, hurried: boolean, steps: Row[],
  ): { end: number | null; lastUpdate: number } {
    const rng = this.rng;
    const names = stepNames(jobKey, rng.count(3, this.stepsPerJob));
    const last = names.length - 1;
    const cut = rng.int(1, last - 1);
    let t = startedAt;
    let lastUpdate = startedAt;
    for (let i = 0; i <= last; i++) {
      const name = names[i]!;
      const [lo, hi] = stepSeconds(name);
      const seconds = rng.int(lo, hi);
      const duration = Math.floor((seconds * SECOND + rng.int(0, 999)) / (hurried ? 4 : 1));
      let status: "queued" | "running" | "completed" = "completed";
      let conclusion: string | null = "success";
      let started: number | null = t;
      let completed: number | null;
      const isCut = i === cut && fate !== "success" && fate !== "neutral";
      const afterCut = i > cut && i < last && fate !== "success" && fate !== "neutral";
      if (fate === "running" && i >= cut) {
        status = i === cut ? "running" : "queued";
        conclusion = null;
        started = i === cut ? t : null;
        completed = null;
      } else if (isCut) {
        conclusion = fate === "failure" ? "failure" : "cancelled";
        const runsFor = fate === "timed_out" ? Math.max(duration, startedAt + JOB_TIMEOUT - t) : duration;
        completed = clamp(t + runsFor);
      } else if (afterCut) {
        conclusion = "skipped";
        completed = t;
      } else {
        completed = clamp(t + duration);
      }
      const updated = completed ?? started ?? startedAt;
      lastUpdate = Math.max(lastUpdate, updated);
      steps.push({
        job_id: jobId,
        number: i + 1,
        name,
        status,
        conclusion,
        started_at: started,
        completed_at: completed,
        updated_at: updated,
      });
      if (completed !== null) t = completed;
    }
    return { end: fate === "running" ? null : t, lastUpdate };
  }

  private artifacts(h: RunHeader, startedAt: number, completedAt: number): Row[] {
    const rng = this.rng;
    const kind = h.workflow.kind;
    const produces = (kind === "ci" || kind === "release" || kind === "nightly") &&
      (h.conclusion === "success" || h.conclusion === "failure" || h.conclusion === "neutral" || h.conclusion === "timed_out");
    if (!produces || !rng.chance(0.4)) return [];
    const count = rng.int(1, 3);
    const first = rng.int(0, artifactNames.length - 1);
    const rows: Row[] = [];
    for (let i = 0; i < count; i++) {
      const createdAt = Math.max(startedAt, completedAt - rng.int(0, 30 * SECOND));
      const retention = rng.weighted<number | null>([[90 * DAY, 80], [7 * DAY, 15], [null, 5]]);
      rows.push({
        id: this.nextArtifactId++,
        run_id: h.id,
        name: artifactNames[(first + i) % artifactNames.length]!,
        size_in_bytes: Math.floor(10 ** (3 + rng.next() * 5.5)),
        expires_at: retention === null ? null : createdAt + retention,
        created_at: createdAt,
        updated_at: createdAt,
      });
    }
    return rows;
  }
}

function runnerName(runsOn: string, n: number): string {
  const pool = runsOn === "self-hosted" ? "build-box" : `hosted-${runsOn.split("-")[0]}`;
  return `${pool}-${String(n).padStart(2, "0")}`;
}
