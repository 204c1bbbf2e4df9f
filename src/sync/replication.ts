// Following a hot standby. The change tracking holds there as it does on the primary (see
// engine.ts): a standby's snapshot has the xmin of the primary's transactions it knows to be
// running, and age() counts from the next transaction id its replay has reached, so a
// transaction the snapshot could not see has an id at or above that mark. Only the mark's
// clock differs: a standby's clock_timestamp() can be far ahead of the data it has replayed,
// so its marks take the newest commit it has replayed (or, before any, its last restartpoint),
// a moment no later than any row that replay has yet to bring.
//
// The lag: a standby has caught up when it has replayed all it had received one poll earlier,
// its WAL receiver running; from the last time it had, the time since is its replication lag.
// Each change of what the source is (primary, standby, lagging, not receiving, promoted) is
// logged once.
import type { Log } from "../observability/log.ts";
import type { SourceRole } from "./heartbeat.ts";

/** What one clock read learns of the source, before a poll's snapshot. */
export interface SourceClock {
  /** The mark's clock (µs since the epoch): see above. */
  us: number;
  standby: boolean;
  /** A standby's WAL positions (bytes): received from its primary, and replayed. */
  receivedLsn: number | null;
  replayedLsn: number | null;
  /** A standby has a WAL receiver process (connected, or connecting, to its primary). */
  receiving: boolean;
  /** The server's clock_timestamp() and a standby's last replayed commit (µs), for a lag not yet watched. */
  nowUs: number;
  replayedAtUs: number | null;
}

export interface SourceFacts {
  role: SourceRole;
  receiving: boolean;
  /** 0 on a primary; null while unknown. */
  replicationLagMs: number | null;
}

export class ReplicationWatch {
  private label: string | null = null;
  private lastCaughtUpAt: number | null = null;
  private previousReceived: number | null = null;

  constructor(private readonly log: Log, private readonly laggingAfterMs: number) {}

  /** The source's facts for this poll; `localNow` is this host's clock (ms). */
  observe(clock: SourceClock, localNow: number): SourceFacts {
    let facts: SourceFacts;
    if (!clock.standby) {
      this.lastCaughtUpAt = null;
      this.previousReceived = null;
      facts = { role: "primary", receiving: false, replicationLagMs: 0 };
    } else {
      const received = clock.receivedLsn ?? 0;
      const replayed = clock.replayedLsn ?? 0;
      const caughtUp = clock.receiving && replayed >= Math.min(received, this.previousReceived ?? received);
      this.previousReceived = received;
      if (caughtUp) this.lastCaughtUpAt = localNow;
      const lag = caughtUp
        ? 0
        : this.lastCaughtUpAt !== null
          ? localNow - this.lastCaughtUpAt
          : clock.replayedAtUs !== null ? Math.max(0, Math.round((clock.nowUs - clock.replayedAtUs) / 1000)) : null;
      facts = { role: "standby", receiving: clock.receiving, replicationLagMs: lag };
    }
    this.note(facts);
    return facts;
  }

  private note(f: SourceFacts): void {
    const label = f.role === "primary"
      ? (this.label?.startsWith("standby") || this.label === "promoted" ? "promoted" : "primary")
      : !f.receiving ? "standby_not_receiving"
      : f.replicationLagMs === null || f.replicationLagMs > this.laggingAfterMs ? "standby_lagging"
      : "standby";
    if (label === this.label) return;
    const previous = this.label;
    this.label = label;
    // A primary from the start is the usual case, not news.
    if (previous === null && label === "primary") return;
    this.log(`sync_source_${label}`, { previous, replication_lag_ms: f.replicationLagMs });
  }
}
