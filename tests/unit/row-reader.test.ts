// The store reads runs, jobs and steps by position (src/store/row-reader.ts) rather than
// through drizzle's row mapping: every record it gives is the one drizzle's `.all()` gives for
// the same rows, booleans and JSON lists converted, NULLs kept, actors found or absent.
import { beforeAll, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { getTableColumns } from "drizzle-orm";
import { accounts, workflowJobs, workflowRuns, workflowSteps } from "../../db/schema.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { createStore } from "../../src/store/index.ts";
import type { ServiceDatabase, Store } from "../../src/store/index.ts";
import { seededDatabase } from "../support/db.ts";

let db: ServiceDatabase;
let store: Store;
let version: ReturnType<ReturnType<typeof openDatabaseFile>["dataVersion"]>;

beforeAll(async () => {
  const opened = openDatabaseFile(await seededDatabase());
  db = opened.db;
  version = opened.dataVersion();
  store = createStore(db);
});

/** Every run of a repository as drizzle maps it, newest first, with its actors. */
function drizzleRuns(repoId: number) {
  const actor = alias(accounts, "actor");
  const triggerer = alias(accounts, "triggerer");
  const rows = db.select({
    ...getTableColumns(workflowRuns),
    actor: { id: actor.id, login: actor.login, type: actor.type, siteAdmin: actor.siteAdmin },
    triggeringActor: { id: triggerer.id, login: triggerer.login, type: triggerer.type, siteAdmin: triggerer.siteAdmin },
  }).from(workflowRuns)
    .leftJoin(actor, eq(actor.id, workflowRuns.actorId))
    .leftJoin(triggerer, eq(triggerer.id, workflowRuns.triggeringActorId))
    .where(eq(workflowRuns.repoId, repoId)).all();
  return rows.sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
}

test("runs, pages and single, are drizzle's records", () => {
  const repoIds = db.selectDistinct({ id: workflowRuns.repoId }).from(workflowRuns).all().map((r) => r.id);
  let runs = 0;
  const seen = { withoutActor: false, withoutStart: false };
  for (const repoId of repoIds) {
    const expected = drizzleRuns(repoId);
    // Through run_days (no filter) and through a filtered listing's statement.
    expect(store.listRuns(repoId, {}, { limit: 10_000, offset: 0 }, version).runs).toEqual(expected);
    const pushes = expected.filter((r) => r.event === "push");
    expect(store.listRuns(repoId, { event: "push" }, { limit: 10_000, offset: 0 }, version).runs).toEqual(pushes);
    for (const run of expected) {
      expect(store.getRun(repoId, run.id, version)).toEqual(run);
      seen.withoutActor ||= run.actor === null;
      seen.withoutStart ||= run.startedAt === null;
      runs++;
    }
  }
  expect(runs).toBeGreaterThan(100);
  expect(seen).toEqual({ withoutActor: true, withoutStart: true });
});

test("jobs and their steps are drizzle's records", () => {
  const runIds = db.selectDistinct({ id: workflowJobs.runId }).from(workflowJobs).all().map((r) => r.id);
  const seen = { cancelRequested: false, needs: false, noRunner: false };
  for (const runId of runIds) {
    const expected = db.select().from(workflowJobs).where(eq(workflowJobs.runId, runId))
      .orderBy(asc(workflowJobs.runAttempt), asc(workflowJobs.jobIndex)).all();
    expect(store.listJobs(runId, "all", { limit: 10_000, offset: 0 }).jobs).toEqual(expected);
    const first = expected.filter((j) => j.runAttempt === 1);
    expect(store.listJobs(runId, 1, { limit: 10_000, offset: 0 }).jobs).toEqual(first);
    const steps = store.stepsOf(expected.map((j) => j.id));
    for (const job of expected) {
      expect(steps.get(job.id)).toEqual(db.select().from(workflowSteps).where(eq(workflowSteps.jobId, job.id)).orderBy(asc(workflowSteps.number)).all());
      seen.cancelRequested ||= job.cancelRequested;
      seen.needs ||= job.needsJobs.length > 0;
      seen.noRunner ||= job.runnerName === null;
    }
    const repoId = db.select({ repoId: workflowRuns.repoId }).from(workflowRuns).where(eq(workflowRuns.id, runId)).get()!.repoId;
    expect(store.getJob(repoId, expected[0]!.id)).toEqual(expected[0]!);
    // One job's steps come through a statement of their own.
    expect(store.stepsOf([expected[0]!.id])).toEqual(new Map([[expected[0]!.id, steps.get(expected[0]!.id)!]]));
  }
  expect(seen).toEqual({ cancelRequested: true, needs: true, noRunner: true });
});
