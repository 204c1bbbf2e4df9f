// Log lines, one per event: JSON for machines, `time LEVEL event key=value` for a person at
// a terminal. Every module logs through the same `Log` function (event, fields); the level
// comes from the event's name (see levels.ts), so callers such as the sync need to know
// nothing about levels or formats.
import type { Log, LogFields } from "./log.ts";
import { levelOfEvent } from "./levels.ts";
import { streamSink } from "./log-sink.ts";
import type { LogSink } from "./log-sink.ts";

export type { LogSink } from "./log-sink.ts";
import type { LogLevel } from "./levels.ts";

export type { LogLevel } from "./levels.ts";
export type LogFormat = "json" | "text";
const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const label: Record<LogLevel, string> = { debug: "DEBUG", info: "INFO ", warn: "WARN ", error: "ERROR" };


/** What the one line per request says, in this order. */
export interface RequestLine {
  method: string;
  route: string | null;
  status: number;
  duration_ms: number;
  request_id: string;
  login: string | null;
  /** The limit that turned the request away, if one did. */
  limited?: string;
}

export interface Logger {
  /** Log at the level the event's name calls for. */
  log: Log;
  /** Log at an explicit level. */
  at(level: LogLevel, event: string, fields?: LogFields): void;
  /**
   * The line of one answered request: the same line as `at(level, "request", fields)` with
   * the fields of a RequestLine, made without an intermediate object (one per request).
   */
  request(
    level: LogLevel, method: string, route: string | null, status: number, durationMs: number,
    requestId: string, login: string | null, limited: string | null,
  ): void;
  wants(level: LogLevel): boolean;
  flush(): void;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  sink: LogSink;
  /**
   * Which process of `serve --workers` writes the line: its number, or "supervisor". Every
   * line says it, right after the event's name; absent (one process alone), no line does.
   */
  worker?: number | "supervisor";
}

/** `auto`: text on a terminal, JSON otherwise. */
export function resolvedFormat(format: LogFormat | "auto", stdout: { isTTY?: boolean }): LogFormat {
  return format === "auto" ? (stdout.isTTY ? "text" : "json") : format;
}

/** Lines on stdout; `auto`: text on a terminal, JSON otherwise. */
export function stdoutLogger(
  level: LogLevel, format: LogFormat | "auto", stdout: { isTTY?: boolean; write(chunk: string): unknown },
  worker?: number | "supervisor",
): Logger {
  return createLogger({ level, format: resolvedFormat(format, stdout), sink: streamSink(stdout), worker });
}

export function createLogger({ level, format, sink, worker }: LoggerOptions): Logger {
  const threshold = rank[level];
  const base: LogFields | undefined = worker === undefined ? undefined : { worker };
  const line = format === "json" ? jsonLine : textLine;
  const render = base === undefined ? line
    : (time: string, lvl: LogLevel, event: string, fields: LogFields | undefined) => line(time, lvl, event, { ...base, ...fields });
  // The request line's fast path, with the worker's field in the same place.
  const requestPrefix = `,"event":"request"${worker === undefined ? "" : `,"worker":${JSON.stringify(worker)}`}`;
  // Many lines fall in the same millisecond: the timestamp is formatted once per millisecond.
  let stampedAt = -1;
  let stamp = "";
  const time = () => {
    const now = Date.now();
    if (now !== stampedAt) {
      stampedAt = now;
      stamp = new Date(now).toISOString();
    }
    return stamp;
  };
  const at = (lvl: LogLevel, event: string, fields?: LogFields) => {
    if (rank[lvl] < threshold) return;
    sink.write(render(time(), lvl, event, fields));
    // Request lines are many and may wait for the next flush; anything else is written at once.
    if (event !== "request") sink.flush();
  };
  return {
    log: (event, fields) => at(levelOfEvent(event), event, fields),
    at,
    request(lvl, method, route, status, durationMs, requestId, login, limited) {
      if (rank[lvl] < threshold) return;
      if (format === "json") sink.write(jsonRequestLine(time(), lvl, requestPrefix, method, route, status, durationMs, requestId, login, limited));
      else {
        const fields: RequestLine = { method, route, status, duration_ms: durationMs, request_id: requestId, login };
        if (limited !== null) fields.limited = limited;
        at(lvl, "request", fields as unknown as LogFields);
      }
    },
    wants: (lvl) => rank[lvl] >= threshold,
    flush: () => sink.flush(),
  };
}

function jsonLine(time: string, level: LogLevel, event: string, fields: LogFields | undefined): string {
  return JSON.stringify({ time, level, event, ...fields });
}

const json = (value: string | null) => (value === null ? "null" : JSON.stringify(value));

/** jsonLine(time, level, "request", fields) for a RequestLine's fields, key for key. */
function jsonRequestLine(
  time: string, level: LogLevel, prefix: string, method: string, route: string | null, status: number, durationMs: number,
  requestId: string, login: string | null, limited: string | null,
): string {
  const duration = Number.isFinite(durationMs) ? String(durationMs) : "null";
  let line = `{"time":"${time}","level":"${level}"${prefix},"method":${json(method)},"route":${json(route)},"status":${status},"duration_ms":${duration},"request_id":${json(requestId)},"login":${json(login)}`;
  if (limited !== null) line += `,"limited":${json(limited)}`;
  return line + "}";
}

function textLine(time: string, level: LogLevel, event: string, fields: LogFields | undefined): string {
  let line = `${time.slice(11, 23)} ${label[level]} ${event}`;
  if (fields) {
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined) continue;
      line += ` ${key}=${textValue(value)}`;
    }
  }
  return line;
}

const plain = /^[^\s"=]*$/;

function textValue(value: unknown): string {
  if (typeof value === "string") return plain.test(value) && value !== "" ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return JSON.stringify(value);
}
