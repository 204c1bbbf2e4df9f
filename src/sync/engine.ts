// The sync: a full load of the forge's tables into the SQLite copy, then a poll loop that
// applies what changed. Runtime-neutral: the PostgreSQL and SQLite edges come in as ports.
//
// Why this is correct although transactions commit out of order
// -------------------------------------------------------------
// updated_at and deleted_rows.seq are assigned when a row is written, not when its
// transaction commits, so "newer than the last value seen" misses late commits. Instead each
// poll k runs in one REPEATABLE READ READ ONLY transaction and remembers a mark (N_k, c_k, M_k):
// c_k = clock_timestamp() read in a statement of its own before the transaction; N_k = the next
// transaction id to be assigned, read just after the snapshot was taken (not the snapshot's
// xmax: that is the last *ended* id + 1, and a running transaction can hold an id above it);
// M_k = the highest deleted_rows.seq the snapshot saw.
//   A transaction T that poll k could not see has an id ≥ xmin_k (every lower id had ended).
// Take the latest mark j with N_j ≤ xmin_k: T got its id after N_j was read, so every row it
// wrote carries updated_at ≥ c_j (the BEFORE trigger stamps clock_timestamp() just before an
// insert gets its id, hence a safety margin), and every seq it took is > M_j (the sequence
// hands out increasing values, seq's default cache of 1 assumed). So poll k+1 re-reads
// updated_at ≥ c_j − margin and seq > M_j: a small overlapping window while transactions are
// short, widening by itself while a long one is open.
//   Upserts are idempotent. A delete is never re-applied blindly: the same key can be deleted
// and inserted again (natural keys: org_members, repo_collaborators, workflow_steps), so for
// every deleted key in the window the same snapshot is asked whether the row exists, and if it
// does, it is upserted instead.
//   One poll is one SQLite transaction, committed together with the marks it proves, so readers
// never see half of a source transaction and a killed sync resumes from its last commit.
//   The full load reads every table in one snapshot S0, keyset-paginated by primary key (each
// page one binary COPY, streamed) and committed page by page (a killed load resumes from its
// last key in a new snapshot); the tables' secondary indexes are dropped first and built once
// the rows are in, one per transaction (a killed sync builds the rest when it starts again). Before S0
// a probe mark P is read and the load waits until xmin ≥ N_P, so P bounds everything S0 (or a
// resumed load's later snapshot) missed; the first poll after the load starts from P.
import type { Log } from "../observability/log.ts";
import { AppliedRecently } from "./applied.ts";
import type { CopyTarget, SyncProgress } from "./copy.ts";
import { keyFromJson } from "./rows.ts";
import type { RowBlock } from "./rows.ts";
import type { DeletedRow, ForgeSource, Page, Snapshot } from "./source.ts";
import { SourceUnavailable } from "./source.ts";
import type { SyncStatusTracker } from "./status.ts";
import { defaultHeartbeatEveryMs } from "./heartbeat.ts";
import type { ReplicationWatch } from "./replication.ts";
import { copiedTable, copiedTables, keyOf } from "./tables.ts";
import type { CopiedTable, KeyValues } from "./tables.ts";
import { advance, beforeAnything, windowAfter } from "./watermarks.ts";
import type { PollMark } from "./watermarks.ts";

export interface EngineOptions {
  /** Time between the starts of two polls. */
  pollMs: number;
  /** Safety margin subtracted from the window's clock bound. */
  marginMs: number;
  /** Rows per page of a full load (one COPY, one SQLite transaction each). */
  loadPageRows: number;
  /** Rows per page inside a poll. */
  pollPageRows: number;
  /** How long a new load waits for transactions older than it before re-reading everything once. */
  loadWaitMs: number;
  /**
   * A poll that changed nothing still records its marks and the heartbeat in the file this
   * often: every such commit makes the file's readers drop their remembered answers.
   */
  heartbeatEveryMs: number;
  /** Stop after the first poll that follows the load (or the restart). */
  once: boolean;
}

export const defaultEngineOptions: EngineOptions = {
  pollMs: 200, marginMs: 1000, loadPageRows: 100_000, pollPageRows: 5_000, loadWaitMs: 30_000, heartbeatEveryMs: defaultHeartbeatEveryMs, once: false,
};

export interface EngineDeps {
  openSource: () => ForgeSource;
  target: CopyTarget;
  status: SyncStatusTracker;
  /** Tells a primary from a standby, and the standby's lag. */
  replication: ReplicationWatch;
  log: Log;
  now: () => number;
  sleep: (ms: number, wake: AbortSignal) => Promise<void>;
  /** Delay before retry number `attempt` (0-based). */
  backoff: (attempt: number) => number;
}

class Stopped extends Error {}

export class SyncEngine {
  private readonly stopping = new AbortController();
  private readonly applied = new AppliedRecently();
  private lastBeatAt = -Infinity;
  private caughtUpResolve!: () => void;
  private caughtUpReject!: (e: Error) => void;
  readonly caughtUp: Promise<void>;
  readonly finished: Promise<void>;

  constructor(private readonly deps: EngineDeps, private readonly options: EngineOptions) {
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.caughtUpResolve = resolve;
      this.caughtUpReject = reject;
    });
    // Nobody has to await caughtUp; a stop before catching up must not be an unhandled rejection.
    this.caughtUp.catch(() => {});
    this.finished = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.finished;
  }

  private checkStopped(): void {
    if (this.stopping.signal.aborted) throw new Stopped();
  }

  private async run(): Promise<void> {
    const { status, target } = this.deps;
    status.restored(target.progress().dataAsOfMs);
    // Before anything else: the file's readers learn at once that a sync has (re)started and is not yet following.
    this.beat();
    let attempt = 0;
    while (!this.stopping.signal.aborted) {
      const source = this.deps.openSource();
      try {
        if (target.progress().phase !== "following") await this.load(source);
        attempt = 0;
        await this.follow(source, () => (attempt = 0));
      } catch (e) {
        target.rollback();
        if (e instanceof Stopped || this.stopping.signal.aborted) break;
        const message = e instanceof Error ? e.message : String(e);
        const before = status.state;
        status.enter(e instanceof SourceUnavailable ? "source_down" : "failing", {}, message);
        // Readers learn at once that the copy is not followed; while it stays so, once an interval.
        if (status.state !== before || this.deps.now() - this.lastBeatAt >= this.options.heartbeatEveryMs) this.beat();
        await this.deps.sleep(this.deps.backoff(attempt++), this.stopping.signal);
      } finally {
        await source.close().catch(() => {});
      }
    }
    this.caughtUpReject(new Error("the sync stopped before it caught up"));
    status.enter("stopped");
    // A --once copy is a snapshot nothing follows: its readers answer as for a seeded file.
    if (this.options.once) {
      try {
        this.deps.target.clearHeartbeat();
      } catch { /* its readers then see a stopped sync */ }
    } else {
      this.beat();
    }
  }

  /** The heartbeat alone; a file that cannot take it (the fault at hand, perhaps) is not another fault. */
  private beat(): void {
    try {
      this.deps.target.beat();
      this.lastBeatAt = this.deps.now();
    } catch { /* readers see the heartbeat age instead */ }
  }

  private async follow(source: ForgeSource, succeeded: () => void): Promise<void> {
    const { now, target } = this.deps;
    // In memory the marks advance every poll; the file gets them with changes, or once a heartbeatEveryMs.
    let history = target.progress().history;
    for (;;) {
      const started = now();
      const poll = await this.poll(source, history, this.options.once || started - this.lastBeatAt >= this.options.heartbeatEveryMs);
      history = poll.history;
      if (poll.committed) this.lastBeatAt = started;
      succeeded();
      this.caughtUpResolve();
      if (this.options.once) throw new Stopped();
      await this.deps.sleep(Math.max(0, started + this.options.pollMs - now()), this.stopping.signal);
      this.checkStopped();
    }
  }

  /**
   * One change poll: every change since the history's first mark, in one SQLite transaction.
   * Rows and deletes the copy already has from an earlier poll are read again but not written.
   */
  private async poll(source: ForgeSource, history: readonly PollMark[], persist: boolean) {
    const { target, status, now } = this.deps;
    const window = windowAfter(history, this.options.marginMs * 1000);
    const localClock = now();
    const clock = await source.sourceClock();
    const clockUs = clock.us;
    const facts = this.deps.replication.observe(clock, localClock);
    const applied = this.applied;
    try {
      return await source.inSnapshot(async (snapshot) => {
        target.begin();
        let written = 0;
        const size = this.options.pollPageRows;
        // The first page of every table at once: the queries pipeline on the one connection.
        const firstPages = await Promise.all(copiedTables.map((t) => snapshot.changedRows(t, window.fromUs, null, size)));
        for (const [i, table] of copiedTables.entries()) {
          let page: Page = firstPages[i]!;
          for (;;) {
            const fresh = page.rows.filter((row, r) => {
              const key = keyOf(table, row);
              if (applied.hasVersion(table.name, key, page.versions![r]!)) return false;
              applied.stageVersion(table.name, key, page.versions![r]!);
              return true;
            });
            target.upsert(table, fresh);
            written += fresh.length;
            if (!page.next) break;
            this.checkStopped();
            page = await snapshot.changedRows(table, window.fromUs, page.next, size);
          }
        }
        let seq = window.afterSeq;
        for (;;) {
          const deleted = await snapshot.deletedAfter(seq, size);
          written += await this.applyDeletes(snapshot, deleted.filter((d) => !applied.hasDelete(d.seq)));
          if (deleted.length > 0) seq = deleted[deleted.length - 1]!.seq;
          if (deleted.length < size) break;
          this.checkStopped();
        }
        const next = advance(history, { nextXid: snapshot.nextXid, clockUs, seq }, snapshot.xmin);
        // The status first: the heartbeat committed with the batch is this poll's. A state change is always written.
        const committed = written > 0 || persist || status.state !== "following";
        // A standby's lag not known yet: its data is at most as old as the mark's clock.
        const replicationLagMs = facts.replicationLagMs ?? Math.max(0, Math.round((clock.nowUs - clock.us) / 1000));
        status.pollDone(localClock - replicationLagMs, facts, { nextXid: snapshot.nextXid, deletedSeq: seq });
        status.enter("following", { rows: written });
        if (committed) {
          if (written > 0) status.batchCommitted(written);
          target.commit({ phase: "following", history: next, dataAsOfMs: Math.floor(clockUs / 1000) });
        } else {
          target.rollback();
        }
        applied.committed(windowAfter(next, this.options.marginMs * 1000));
        return { applied: written, history: next, committed };
      });
    } catch (e) {
      applied.discard();
      throw e;
    }
  }

  /** Each deleted key: delete it, unless the snapshot has the row again (then upsert it). */
  private async applyDeletes(snapshot: Snapshot, deleted: readonly DeletedRow[]): Promise<number> {
    const byTable = new Map<CopiedTable, KeyValues[]>();
    for (const d of deleted) {
      this.applied.stageDelete(d.seq);
      const table = copiedTable(d.table);
      if (!table) continue;
      const keys = byTable.get(table) ?? [];
      keys.push(keyFromJson(table.key, d.rowKey));
      byTable.set(table, keys);
    }
    let written = 0;
    for (const [table, keys] of byTable) {
      const existing = await snapshot.rowsWithKeys(table, keys);
      const present = new Set(existing.map((row) => keyText(keyOf(table, row))));
      const gone = keys.filter((k) => !present.has(keyText(k)));
      for (const key of gone) this.applied.stageRemoval(table.name, key);
      this.deps.target.upsert(table, existing);
      this.deps.target.remove(table, gone);
      written += existing.length + gone.length;
    }
    return written;
  }

  private async load(source: ForgeSource): Promise<void> {
    const { target, status, log, now } = this.deps;
    let progress: SyncProgress = target.progress();
    const resuming = (progress.phase === "loading" && progress.load !== null) || progress.phase === "indexing";
    // Reach the source first: a source that is down stays one source_down line, not a loading/down flicker.
    await source.clockUs();
    status.enter("loading", { resume: resuming });
    if (!resuming) {
      const start = await this.loadStartMark(source);
      target.begin();
      // Rows go into tables without their secondary indexes, which are built once at the end.
      const indexes = [...target.progress().indexes, ...target.dropIndexes()];
      target.clear();
      target.commit({ phase: "loading", load: { table: copiedTables[0]!.name, after: null }, indexes, history: [start], dataAsOfMs: null });
      progress = target.progress();
    }
    const startedAt = now();
    let total = 0;
    if (progress.phase === "loading") {
      const from = copiedTables.findIndex((t) => t.name === progress.load!.table);
      await source.inSnapshot(async (snapshot) => {
        for (const table of copiedTables.slice(from)) total += await this.loadTable(snapshot, table, table.name === progress.load!.table ? progress.load!.after : null);
      });
      target.begin();
      target.commit({ phase: "indexing", load: null });
    }
    const rowsSeconds = (now() - startedAt) / 1000;
    // One index per transaction: a killed sync builds the rest when it starts again.
    // The status shows "indexes" with the number still to build.
    let indexes = target.progress().indexes;
    while (indexes.length > 0) {
      status.loading("indexes", indexes.length);
      this.checkStopped();
      target.begin();
      target.execute(indexes[0]!);
      indexes = indexes.slice(1);
      target.commit({ indexes });
    }
    target.begin();
    target.commit({ phase: "following", load: null });
    const seconds = (now() - startedAt) / 1000;
    log("sync_loaded", { rows: total, seconds: +seconds.toFixed(1), index_seconds: +(seconds - rowsSeconds).toFixed(1), resumed: resuming });
  }

  /**
   * One table's rows after `after`, streamed a page at a time (one COPY each); each page is one
   * SQLite transaction, committed with the key it reached. Rows are written as they arrive.
   */
  private async loadTable(snapshot: Snapshot, table: CopiedTable, after: KeyValues | null): Promise<number> {
    const { target, status } = this.deps;
    const size = this.options.loadPageRows;
    const width = table.columns.length;
    let rows = 0;
    for (;;) {
      let page = 0;
      let last: RowBlock | undefined;
      target.begin();
      for await (const blocks of snapshot.streamRows(table, after, size)) {
        target.upsertBlocks(table, blocks);
        for (const block of blocks) page += block.length / width;
        if (blocks.length > 0) last = blocks[blocks.length - 1];
        this.checkStopped();
      }
      // The key of the last block's last row.
      if (last) after = keyOf(table, last.slice(last.length - width));
      target.commit({ load: { table: table.name, after } });
      rows += page;
      status.batchCommitted(page);
      status.loading(table.name, rows);
      if (page < size) return rows;
    }
  }

  /**
   * The mark a new load's first poll starts from: a probe snapshot P, once every transaction
   * that had an id at P has ended (so the load's snapshot has xmin ≥ N_P). If one stays open
   * too long, the first poll re-reads everything instead.
   */
  private async loadStartMark(source: ForgeSource): Promise<PollMark> {
    const clockUs = await source.clockUs();
    const probe = await source.inSnapshot(async (s) => ({ nextXid: s.nextXid, seq: await s.maxDeletedSeq() }));
    const deadline = this.deps.now() + this.options.loadWaitMs;
    while ((await source.currentXmin()) < probe.nextXid) {
      if (this.deps.now() > deadline) {
        this.deps.log("sync_load_wait_timeout", { waited_ms: this.options.loadWaitMs, note: "a transaction older than the load is still open; the first poll re-reads every row once" });
        return beforeAnything;
      }
      await this.deps.sleep(20, this.stopping.signal);
      this.checkStopped();
    }
    return { nextXid: probe.nextXid, clockUs, seq: probe.seq };
  }
}

function keyText(key: KeyValues): string {
  return key.join(",");
}
