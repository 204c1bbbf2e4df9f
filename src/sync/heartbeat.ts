// The sync's heartbeat, kept in the SQLite file it writes (table sync_heartbeat, one row), so
// that every server reading the file knows how fresh its data is: a `serve --db FILE` beside a
// separate `sync`, and `serve --sync-from` alike, answer /readyz and /metrics from this row.
//
// Why not a heartbeat at every poll: any commit changes the file's data version, and every
// server then drops all of its remembered answers. The sync writes the row with each batch it
// commits anyway (changes are there, the answers are stale regardless), and on a state change;
// while nothing changes it writes it only every `heartbeatEveryMs` (default 5 s). The price:
// a reader notices a sync that died or hung only once the row is older than `staleAfterMs`
// (the interval plus 3 s for a slow poll), not within one poll.
//
// Portable: it reads through the drizzle handle the store has; the writer is in bun/sqlite-copy.ts.
import { eq } from "drizzle-orm";
import { syncHeartbeat } from "../../db/schema.ts";
import type { ServiceDatabase } from "../store/database.ts";

/** What the sync is doing: its status's state, as the heartbeat row records it. */
export type SyncState = "starting" | "loading" | "following" | "source_down" | "failing" | "stopped";

export type Heartbeat = Omit<typeof syncHeartbeat.$inferSelect, "id" | "state" | "sourceRole"> & {
  state: SyncState;
  sourceRole: SourceRole | null;
};

export type SourceRole = "primary" | "standby";

/** While nothing changes, the heartbeat is written this often. */
export const defaultHeartbeatEveryMs = 5_000;
/** A heartbeat older than the interval plus this is stale: time for one slow poll. */
export const staleSlackMs = 3_000;

/** The row's columns in the table's order (for the writer's INSERT). */
export const heartbeatColumns = [
  "state", "state_since", "beat_at", "heartbeat_every_ms", "stale_after_ms", "fresh_within_ms", "last_poll_at",
  "data_as_of", "lag_ms", "last_batch_at", "rows_applied", "polls", "load_table", "load_rows", "last_error",
  "source_role", "source_receiving", "replication_lag_ms", "source_next_xid", "source_deleted_seq",
] as const;

export function heartbeatValues(h: Heartbeat): (string | number | null)[] {
  return [
    h.state, h.stateSince, h.beatAt, h.heartbeatEveryMs, h.staleAfterMs, h.freshWithinMs, h.lastPollAt,
    h.dataAsOf, h.lagMs, h.lastBatchAt, h.rowsApplied, h.polls, h.loadTable, h.loadRows, h.lastError,
    h.sourceRole, h.sourceReceiving, h.replicationLagMs, h.sourceNextXid, h.sourceDeletedSeq,
  ];
}

/** Reads the heartbeat row; null when there is none (nothing syncs this file: the demo, a seeded file). */
export function heartbeatReader(db: ServiceDatabase): () => Heartbeat | null {
  let query: { get(): (typeof syncHeartbeat.$inferSelect) | undefined } | null = null;
  return () => {
    try {
      // Prepared on first use; a file from before migration 0003 has no table (yet: a newer sync migrates it).
      query ??= db.select().from(syncHeartbeat).where(eq(syncHeartbeat.id, 1)).prepare();
      const row = query.get();
      if (!row) return null;
      const { id: _, ...h } = row;
      return h as Heartbeat;
    } catch (e) {
      query = null;
      if (/no such table/i.test(String((e as Error)?.message))) return null;
      throw e;
    }
  };
}

/** What a heartbeat means at `now`, the same for every server of the file. */
export interface SyncHealth {
  ready: boolean;
  /** The sync's state; "stale" when its heartbeat is older than stale_after_ms. */
  state: SyncState | "stale";
  /** Why not ready (null when ready). */
  reason: string | null;
  lagMs: number | null;
  heartbeatAgeMs: number;
  heartbeat: Heartbeat;
}

export function healthOf(h: Heartbeat, now: number): SyncHealth {
  const heartbeatAgeMs = Math.max(0, now - h.beatAt);
  const stale = heartbeatAgeMs > h.staleAfterMs;
  // A live sync that follows measured its lag at its last poll (poll time plus replication lag);
  // otherwise nothing vouches for the copy since data_as_of, and the lag is all the time since.
  const lagMs = h.state === "following" && !stale ? h.lagMs : h.dataAsOf === null ? null : Math.max(0, now - h.dataAsOf);
  const reason = stale
    ? "heartbeat_stale"
    : h.state !== "following"
      ? h.state
      : lagMs === null || lagMs > h.freshWithinMs
        ? "lagging"
        : null;
  return { ready: reason === null, state: stale ? "stale" : h.state, reason, lagMs, heartbeatAgeMs, heartbeat: h };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The /readyz body for a file with a sync; `{ready: true, sync: "none"}` is the caller's for a file without one. */
export function readinessBody(health: SyncHealth) {
  const h = health.heartbeat;
  return {
    ready: health.ready,
    sync: health.state,
    reason: health.reason,
    lag_ms: health.lagMs,
    data_as_of: iso(h.dataAsOf),
    last_batch_at: iso(h.lastBatchAt),
    loading: h.state === "loading" && h.loadTable !== null ? { table: h.loadTable, rows: h.loadRows ?? 0 } : null,
    heartbeat_at: iso(h.beatAt),
    heartbeat_age_ms: health.heartbeatAgeMs,
    stale_after_ms: h.staleAfterMs,
    fresh_within_ms: h.freshWithinMs,
    source: h.sourceRole === null ? null : {
      role: h.sourceRole,
      replication_lag_ms: h.replicationLagMs,
      receiving: h.sourceRole === "standby" ? h.sourceReceiving === 1 : null,
      next_xid: h.sourceNextXid,
      deleted_seq: h.sourceDeletedSeq,
    },
    last_error: h.lastError,
  };
}

/** /readyz and /metrics of a server reading `db`: from the heartbeat the sync writes into it. */
export function fileSyncHealth(db: ServiceDatabase, now: () => number) {
  const read = heartbeatReader(db);
  const health = () => {
    const h = read();
    return h === null ? null : healthOf(h, now());
  };
  return {
    health,
    readiness(): { ready: boolean; [k: string]: unknown } {
      const s = health();
      return s === null ? { ready: true, sync: "none" } : readinessBody(s);
    },
    /** For /metrics; null without a heartbeat (no sync figures then). */
    facts() {
      const s = health();
      if (s === null) return null;
      const h = s.heartbeat;
      return {
        state: s.state, lagMs: s.lagMs, lastBatchAt: h.lastBatchAt, rowsApplied: h.rowsApplied,
        heartbeatAgeMs: s.heartbeatAgeMs, ready: s.ready, replicationLagMs: h.replicationLagMs, sourceRole: h.sourceRole,
      };
    },
  };
}

export type FileSyncHealth = ReturnType<typeof fileSyncHealth>;
