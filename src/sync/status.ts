// The sync's state as /readyz and the logs see it. A log line is written when the state
// changes, never per retry: a source that stays down for an hour is one line, then one more
// when it is back.
import type { Log } from "../observability/log.ts";
import type { Heartbeat, SyncState } from "./heartbeat.ts";
import type { SourceFacts } from "./replication.ts";

export type { SyncState } from "./heartbeat.ts";

export interface SyncStatus {
  state: SyncState;
  /** When the current state began (ms since the epoch). */
  since: number;
  /** When the last batch was committed to the SQLite file. */
  lastBatchAt: number | null;
  /** The moment (ms) of the source snapshot the copy reflects; null before the first load ends. */
  dataAsOf: number | null;
  /** How far the copy is behind the source: now − dataAsOf. */
  lagMs: number | null;
  /** Following, and lagMs within the freshness bound. */
  fresh: boolean;
  /** Rows upserted or deleted by this process. */
  rowsApplied: number;
  /** Change polls completed by this process. */
  polls: number;
  /** The table a full load is copying, and the rows it has copied so far. */
  load: { table: string; rows: number } | null;
  /** The error behind source_down or failing (no secrets). */
  lastError: string | null;
  /** When the last change poll ended (ms). */
  lastPollAt: number | null;
  /** What the last poll learnt of its source: primary or standby, and a standby's lag. */
  source: SourceFacts | null;
  /** Where the copy stands in the source: the next transaction id and the last deleted_rows.seq. */
  position: { nextXid: number; deletedSeq: number } | null;
}

export interface HeartbeatTiming {
  heartbeatEveryMs: number;
  staleAfterMs: number;
}

export class SyncStatusTracker {
  private current: SyncStatus;

  constructor(
    private readonly log: Log,
    private readonly freshWithinMs: number,
    private readonly now: () => number = Date.now,
    private readonly timing: HeartbeatTiming = { heartbeatEveryMs: 5_000, staleAfterMs: 8_000 },
  ) {
    this.current = {
      state: "starting", since: now(), lastBatchAt: null, dataAsOf: null, lagMs: null, fresh: false,
      rowsApplied: 0, polls: 0, load: null, lastError: null, lastPollAt: null, source: null, position: null,
    };
  }

  /** The heartbeat row for the file: this status as of now. */
  heartbeat(): Heartbeat {
    const c = this.current;
    const source = c.source;
    return {
      state: c.state, stateSince: c.since, beatAt: this.now(), ...this.timing, freshWithinMs: this.freshWithinMs,
      lastPollAt: c.lastPollAt, dataAsOf: c.dataAsOf,
      lagMs: c.lastPollAt === null || c.dataAsOf === null ? null : Math.max(0, c.lastPollAt - c.dataAsOf),
      lastBatchAt: c.lastBatchAt, rowsApplied: c.rowsApplied, polls: c.polls,
      loadTable: c.load?.table ?? null, loadRows: c.load?.rows ?? null, lastError: c.lastError,
      sourceRole: source?.role ?? null,
      sourceReceiving: source?.role === "standby" ? (source.receiving ? 1 : 0) : null,
      replicationLagMs: source?.replicationLagMs ?? null,
      sourceNextXid: c.position?.nextXid ?? null, sourceDeletedSeq: c.position?.deletedSeq ?? null,
    };
  }

  snapshot(): SyncStatus {
    const lagMs = this.current.dataAsOf === null ? null : Math.max(0, this.now() - this.current.dataAsOf);
    const fresh = this.current.state === "following" && lagMs !== null && lagMs <= this.freshWithinMs;
    return { ...this.current, load: this.current.load && { ...this.current.load }, source: this.current.source && { ...this.current.source }, lagMs, fresh };
  }

  /** When the copy last matched the source (ms); null before a load has ended. Cheap: asked on every request. */
  get dataAsOf(): number | null {
    return this.current.dataAsOf;
  }

  get state(): SyncState {
    return this.current.state;
  }

  /** Enter a state; logs one line only if it differs from the current one. */
  enter(state: SyncState, fields: Record<string, unknown> = {}, error: string | null = null): void {
    this.current.lastError = error;
    if (state === this.current.state) return;
    const previous = this.current.state;
    const now = this.now();
    const downMs = previous === "source_down" || previous === "failing" ? now - this.current.since : undefined;
    this.current.state = state;
    this.current.since = now;
    if (state !== "loading") this.current.load = null;
    this.log(`sync_${state}`, { previous, ...(downMs !== undefined ? { after_ms: downMs } : {}), ...(error ? { error } : {}), ...fields });
  }

  batchCommitted(rows: number): void {
    this.current.lastBatchAt = this.now();
    this.current.rowsApplied += rows;
  }

  /**
   * A poll ended; the copy now matches the forge as of `dataAsOf`: when its snapshot was taken,
   * less a standby's replication lag.
   */
  pollDone(dataAsOf: number, source: SourceFacts | null = null, position: { nextXid: number; deletedSeq: number } | null = null): void {
    this.current.polls++;
    this.current.dataAsOf = dataAsOf;
    this.current.lastPollAt = this.now();
    if (source) this.current.source = source;
    if (position) this.current.position = position;
  }

  loading(table: string, rows: number): void {
    this.current.load = { table, rows };
  }

  /** A copy restored from the file: its data is as of this moment until the first poll. */
  restored(dataAsOf: number | null): void {
    this.current.dataAsOf = dataAsOf;
  }
}
