// The whole /metrics document: HTTP traffic, the sync's freshness (only when a sync runs),
// the database (rows per table, size) and the process (memory, start time, version).
import { sql } from "drizzle-orm";
import type { ServiceDatabase } from "../store/index.ts";
import { Exposition } from "./exposition.ts";
import type { HttpMetrics } from "./http-metrics.ts";
import type { TableRows } from "./table-rows.ts";

/** What the metrics read from the sync's status (its SyncStatus has these fields). */
export interface SyncFacts {
  state: string;
  lagMs: number | null;
  lastBatchAt: number | null;
  rowsApplied: number;
  /** From the heartbeat in the file (src/sync/heartbeat.ts): its age, whether /readyz is ready, the source. */
  heartbeatAgeMs?: number;
  ready?: boolean;
  replicationLagMs?: number | null;
  sourceRole?: string | null;
}

export interface MetricsSources {
  http: HttpMetrics;
  version: string;
  startedAt: number;
  database?: { db: ServiceDatabase; rows: TableRows };
  /** Absent, or returning null, when the database is not followed by a sync. */
  sync?: () => SyncFacts | null;
  /** The remembered answers: bytes counted against their budget, and entries. */
  answers?: { usage: { bytes: number; entries: number } };
  /** Under `serve --workers N`: which worker this process is; every sample says so in its `worker` label. */
  worker?: { number: number; workers: number };
}

export function renderMetrics(src: MetricsSources): string {
  const out = new Exposition(src.worker ? { worker: String(src.worker.number) } : undefined);
  if (src.worker) {
    out.family("actions_runs_workers", "gauge", "Worker processes serving this port (serve --workers); every sample of each worker carries its worker label.")
      .sample("actions_runs_workers", src.worker.workers);
  }
  src.http.writeTo(out);

  const sync = src.sync?.() ?? null;
  if (sync) {
    out.family("actions_runs_sync_state", "gauge", "The sync's current state (1 for the state it is in).")
      .sample("actions_runs_sync_state", 1, { state: sync.state });
    if (sync.lagMs !== null) {
      out.family("actions_runs_sync_lag_seconds", "gauge", "How far the copy is behind the forge database.")
        .sample("actions_runs_sync_lag_seconds", sync.lagMs / 1000);
    }
    if (sync.lastBatchAt !== null) {
      out.family("actions_runs_sync_last_batch_timestamp_seconds", "gauge", "When the sync last committed a batch (Unix time).")
        .sample("actions_runs_sync_last_batch_timestamp_seconds", sync.lastBatchAt / 1000);
    }
    out.family("actions_runs_sync_rows_applied_total", "counter", "Rows the sync has written or deleted since it started.")
      .sample("actions_runs_sync_rows_applied_total", sync.rowsApplied);
    if (sync.heartbeatAgeMs !== undefined) {
      out.family("actions_runs_sync_heartbeat_age_seconds", "gauge", "Time since the sync last wrote its heartbeat into the file.")
        .sample("actions_runs_sync_heartbeat_age_seconds", sync.heartbeatAgeMs / 1000);
    }
    if (sync.ready !== undefined) {
      out.family("actions_runs_sync_ready", "gauge", "1 while /readyz answers ready, 0 otherwise.")
        .sample("actions_runs_sync_ready", sync.ready ? 1 : 0);
    }
    if (sync.sourceRole) {
      out.family("actions_runs_sync_source_role", "gauge", "What the sync reads: the forge's primary or a standby (1 for the role).")
        .sample("actions_runs_sync_source_role", 1, { role: sync.sourceRole });
    }
    if (sync.replicationLagMs !== undefined && sync.replicationLagMs !== null) {
      out.family("actions_runs_sync_replication_lag_seconds", "gauge", "How far the standby the sync reads is behind its primary (0 on a primary).")
        .sample("actions_runs_sync_replication_lag_seconds", sync.replicationLagMs / 1000);
    }
  }

  if (src.answers) {
    const { bytes, entries } = src.answers.usage;
    out.family("actions_runs_response_cache_bytes", "gauge", "Memory the remembered answers take, as counted against --response-cache-mb.")
      .sample("actions_runs_response_cache_bytes", bytes);
    out.family("actions_runs_response_cache_entries", "gauge", "Answers remembered.")
      .sample("actions_runs_response_cache_entries", entries);
  }

  if (src.database) {
    const rows = src.database.rows.current();
    if (rows) {
      out.family("actions_runs_table_rows", "gauge", "Rows per table, as of the last background count.");
      for (const [table, n] of rows) out.sample("actions_runs_table_rows", n, { table });
    }
    const pages = src.database.db.values<[number]>(sql`PRAGMA page_count`)[0]?.[0] ?? 0;
    const pageSize = src.database.db.values<[number]>(sql`PRAGMA page_size`)[0]?.[0] ?? 0;
    out.family("actions_runs_database_size_bytes", "gauge", "Size of the SQLite database (pages × page size).")
      .sample("actions_runs_database_size_bytes", Number(pages) * Number(pageSize));
  }

  const memory = process.memoryUsage();
  out.family("process_resident_memory_bytes", "gauge", "Resident set size.").sample("process_resident_memory_bytes", memory.rss);
  out.family("actions_runs_js_heap_used_bytes", "gauge", "JavaScript heap in use.").sample("actions_runs_js_heap_used_bytes", memory.heapUsed);
  out.family("actions_runs_js_heap_size_bytes", "gauge", "JavaScript heap reserved.").sample("actions_runs_js_heap_size_bytes", memory.heapTotal);
  out.family("process_start_time_seconds", "gauge", "When the process started (Unix time).").sample("process_start_time_seconds", Math.floor(src.startedAt / 1000));
  out.family("actions_runs_build_info", "gauge", "The running version (always 1).").sample("actions_runs_build_info", 1, { version: src.version });
  return out.toString();
}
