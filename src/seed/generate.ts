// The seed generator: the demo fixtures, then a generated forge of the requested size, written
// table by table through a RowSink. Runtime-neutral and streaming: runs, jobs and steps are
// laid out and handed over batch by batch, so the size of the output never sits in memory.
import { BatchWriter } from "./batch-writer.ts";
import { demoPopulation, type Population } from "./fixture-rows.ts";
import { generatedIdStart } from "./fixtures.ts";
import type { RepoPlan } from "./plan.ts";
import { generatedPopulation } from "./population.ts";
import { Random } from "./random.ts";
import { RunRowBuilder } from "./run-rows.ts";
import { RunStream } from "./run-stream.ts";
import {
  defaultBatchSize, defaultJobsPerRun, defaultStepsPerJob, type CountSpread, type Row, type RowSink, type SeedOptions, type SeedSummary,
} from "./types.ts";
import { clampSpread } from "./vocabulary.ts";

export type { ForgeTable, Row, RowSink, SeedOptions, SeedSummary } from "./types.ts";

/** The demo fixtures' runs come from their own seed, so they are the same whatever the options. */
const FIXTURE_SEED = 20260601;

export async function generate(sink: RowSink, opts: SeedOptions): Promise<SeedSummary> {
  for (const key of ["repos", "runs", "seed"] as const) {
    if (!Number.isSafeInteger(opts[key]) || opts[key] < 0) throw new RangeError(`seed option ${key} must be a non-negative integer`);
  }
  const jobsPerRun = clampSpread(opts.jobsPerRun ?? defaultJobsPerRun, 1);
  const stepsPerJob = clampSpread(opts.stepsPerJob ?? defaultStepsPerJob, 3);
  const writer = new BatchWriter(sink, Math.max(1, opts.batchSize ?? defaultBatchSize));

  const demo = demoPopulation();
  const generated = generatedPopulation(new Random(opts.seed), opts.repos, opts.runs);
  const both = (pick: (p: Population) => Row[]) => [...pick(demo), ...pick(generated)];
  await writer.writeAll("accounts", both((p) => p.accounts));
  await writer.writeAll("org_members", both((p) => p.orgMembers));
  await writer.writeAll("repositories", both((p) => p.repositories));
  await writer.writeAll("repo_collaborators", both((p) => p.collaborators));
  await writer.writeAll("personal_access_tokens", both((p) => p.tokens));
  await writer.writeAll("workflows", both((p) => p.workflows));

  const fixture = await writeRuns(writer, demo.plans, new Random(FIXTURE_SEED), defaultJobsPerRun, defaultStepsPerJob, { run: 1, job: 1, artifact: 1 });
  if (fixture.lastRun >= generatedIdStart.run || fixture.lastJob >= generatedIdStart.job || fixture.lastArtifact >= generatedIdStart.artifact) {
    throw new Error("demo fixture ids run into the generated id range");
  }
  const rest = await writeRuns(writer, generated.plans, new Random(mix(opts.seed)), jobsPerRun, stepsPerJob, {
    run: generatedIdStart.run, job: generatedIdStart.job, artifact: generatedIdStart.artifact,
  });
  await writer.flush();

  return {
    rows: { ...writer.written },
    monorepo: generated.monorepo,
    fixtureRuns: fixture.runs,
    generatedRuns: rest.runs,
  };
}

async function writeRuns(
  writer: BatchWriter, plans: readonly RepoPlan[], rng: Random, jobsPerRun: CountSpread, stepsPerJob: CountSpread,
  firstId: { run: number; job: number; artifact: number },
) {
  const stream = new RunStream(plans, rng, jobsPerRun, firstId.run);
  const builder = new RunRowBuilder(rng, stepsPerJob, firstId.job, firstId.artifact);
  let runs = 0;
  for (let headers = stream.next(); headers !== null; headers = stream.next()) {
    for (const header of headers) {
      const rows = builder.build(header);
      await writer.addRun(rows.run, rows.jobs, rows.steps, rows.artifacts);
      runs++;
    }
  }
  return { runs, lastRun: stream.lastRunId, lastJob: builder.lastJobId, lastArtifact: builder.lastArtifactId };
}

/** A second, independent stream from the same seed (population and runs draw separately). */
const mix = (seed: number) => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
