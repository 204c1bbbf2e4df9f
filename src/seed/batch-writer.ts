// Buffers rows per table and hands them to the sink in batches, parents before children:
// a batch of jobs is only written after the batch of runs they belong to.
import type { ForgeTable, Row, RowSink } from "./types.ts";

/** The run tables, in the order their batches are written. */
const runTables = ["workflow_runs", "workflow_jobs", "workflow_steps", "workflow_artifacts"] as const;
type RunTable = (typeof runTables)[number];

export class BatchWriter {
  readonly written: Record<ForgeTable, number> = {
    accounts: 0, org_members: 0, repositories: 0, repo_collaborators: 0, personal_access_tokens: 0,
    workflows: 0, workflow_runs: 0, workflow_jobs: 0, workflow_steps: 0, workflow_artifacts: 0,
  };
  private buffers: Record<RunTable, Row[]> = { workflow_runs: [], workflow_jobs: [], workflow_steps: [], workflow_artifacts: [] };

  constructor(private readonly sink: RowSink, private readonly batchSize: number) {}

  /** A whole table at once (the small ones: accounts … workflows). */
  async writeAll(table: ForgeTable, rows: readonly Row[]): Promise<void> {
    for (let i = 0; i < rows.length; i += this.batchSize) await this.send(table, rows.slice(i, i + this.batchSize));
  }

  /** One run and its children; flushed once a batch of runs or a large batch of children is ready. */
  async addRun(run: Row, jobs: readonly Row[], steps: readonly Row[], artifacts: readonly Row[]): Promise<void> {
    const b = this.buffers;
    b.workflow_runs.push(run);
    for (const r of jobs) b.workflow_jobs.push(r);
    for (const r of steps) b.workflow_steps.push(r);
    for (const r of artifacts) b.workflow_artifacts.push(r);
    // Children outnumber runs; letting them grow to a few batches keeps run batches full-sized.
    if (b.workflow_runs.length >= this.batchSize || b.workflow_steps.length >= 8 * this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    const pending = this.buffers;
    this.buffers = { workflow_runs: [], workflow_jobs: [], workflow_steps: [], workflow_artifacts: [] };
    for (const table of runTables) await this.writeAll(table, pending[table]);
  }

  private async send(table: ForgeTable, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    this.written[table] += rows.length;
    const pending = this.sink.write(table, rows);
    if (pending) await pending;
  }
}
