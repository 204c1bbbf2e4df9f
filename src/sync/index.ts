// The sync's public face: start it against a forge PostgreSQL URL and a SQLite file, ask its
// status (for /readyz), wait until it has caught up, stop it. How it stays correct is in
// engine.ts; the PostgreSQL and SQLite edges are the runtime's (Bun's are in bun/).
import type { Log } from "../observability/log.ts";
import { redactUrl } from "../observability/redact.ts";
import { retryDelay, sleep } from "./backoff.ts";
import type { CopyTarget } from "./copy.ts";
import { SyncEngine, defaultEngineOptions } from "./engine.ts";
import type { ForgeSource } from "./source.ts";
import { SyncStatusTracker } from "./status.ts";
import { defaultHeartbeatEveryMs, staleSlackMs } from "./heartbeat.ts";
import type { Heartbeat } from "./heartbeat.ts";
import { ReplicationWatch } from "./replication.ts";
import type { SyncStatus } from "./status.ts";

export type { SyncState, SyncStatus } from "./status.ts";

/** How a runtime reaches the forge's PostgreSQL and writes the SQLite file. */
export interface SyncEdges {
  openSource(url: string): ForgeSource;
  /** The SQLite file; `heartbeat` gives the row the target writes with every batch and while idle. */
  openTarget(path: string, heartbeat: () => Heartbeat): CopyTarget;
}

export interface SyncOptions {
  edges: SyncEdges;
  /** The forge's PostgreSQL URL; SELECT on its tables is all the role needs. */
  from: string;
  /** The SQLite file to keep live (created and migrated if missing). */
  dbPath: string;
  /** Time between the starts of two change polls (default 200 ms). */
  pollMs?: number;
  /** The copy counts as fresh while it is at most this far behind (default 2,000 ms). */
  freshWithinMs?: number;
  /** Safety margin of the change window (default 1,000 ms; see engine.ts). */
  marginMs?: number;
  /** Stop after catching up: the full load if needed, then one change poll. */
  once?: boolean;
  /** One line per state change; never per retry, never with the password. */
  log?: Log;
  /** While nothing changes, the heartbeat (and the marks) reach the file this often (default 5,000 ms; see heartbeat.ts). */
  heartbeatEveryMs?: number;
}

export interface RunningSync {
  status(): SyncStatus;
  /** When the copy last matched the source (ms); null before a load has ended. */
  dataAsOf(): number | null;
  /** Resolves at the first change poll that completes (after the load, if one was needed); rejects if stopped first. */
  caughtUp: Promise<void>;
  /** Resolves when the sync has ended: after stop(), or by itself with `once`. */
  finished: Promise<void>;
  /** Stop: an unfinished batch is rolled back, the file closed. */
  stop(): Promise<void>;
}

const noLog: Log = () => {};

export function startSync(opts: SyncOptions): RunningSync {
  const log = opts.log ?? noLog;
  const freshWithinMs = opts.freshWithinMs ?? 2_000;
  const heartbeatEveryMs = opts.heartbeatEveryMs ?? defaultHeartbeatEveryMs;
  const status = new SyncStatusTracker(log, freshWithinMs, Date.now, { heartbeatEveryMs, staleAfterMs: heartbeatEveryMs + staleSlackMs });
  const target = opts.edges.openTarget(opts.dbPath, () => status.heartbeat());
  log("sync_started", { source: redactUrl(opts.from), db: opts.dbPath, phase: target.progress().phase });
  const engine = new SyncEngine(
    {
      openSource: () => opts.edges.openSource(opts.from), target, status, log, now: Date.now, sleep, backoff: (a) => retryDelay(a),
      replication: new ReplicationWatch(log, freshWithinMs),
    },
    {
      ...defaultEngineOptions,
      pollMs: opts.pollMs ?? defaultEngineOptions.pollMs,
      marginMs: opts.marginMs ?? defaultEngineOptions.marginMs,
      once: opts.once ?? false,
      heartbeatEveryMs,
    },
  );
  const finished = engine.finished.finally(() => target.close());
  return {
    status: () => status.snapshot(),
    dataAsOf: () => status.dataAsOf,
    caughtUp: engine.caughtUp,
    finished,
    async stop() {
      await engine.stop();
      await finished;
    },
  };
}
