// Log levels, in order, and the level of each kind of log line (anything not listed is `info`).

export type LogLevel = "debug" | "info" | "warn" | "error";
export const logLevels: readonly LogLevel[] = ["debug", "info", "warn", "error"];

const levels: Record<string, LogLevel> = {
  internal_error: "error",
  sync_failing: "error",
  sync_source_down: "warn",
  sync_load_wait_timeout: "warn",
  sync_source_standby_lagging: "warn",
  sync_source_standby_not_receiving: "warn",
  sync_source_promoted: "warn",
  request_timeout: "warn",
  worker_exited: "warn",
  worker_failed_to_start: "error",
  supervisor_gone: "warn",
};

export function levelOfEvent(event: string): LogLevel {
  return levels[event] ?? "info";
}
