// Configuration, typed: each command's flags and environment are parsed and validated once,
// here, into one object; a mistake is a UsageError (one line on stderr, exit 2) before
// anything starts. The flag table and the defaults are in ../defaults.ts.
import { existsSync } from "node:fs";
import type { LimitsConfig } from "../limits/config.ts";
import { logLevels } from "../observability/levels.ts";
import type { LogLevel } from "../observability/levels.ts";
import { redactUrl } from "../observability/redact.ts";
import type { SeedOptions } from "../seed/types.ts";
import { serveCommand, seedCommand, syncCommand } from "./commands.ts";
import { defaults } from "../defaults.ts";
import { UsageError, parseOptions } from "./options.ts";
import type { CommandSpec, ParsedOptions } from "./options.ts";

export { UsageError } from "./options.ts";

export interface LogConfig {
  level: LogLevel;
  /** auto: text on a terminal, JSON otherwise. */
  format: "auto" | "json" | "text";
}

export interface ServeConfig {
  /** Absent: the demo database embedded in the executable. */
  db?: string;
  host: string;
  /** Absent: no TCP listener (a unix socket only). */
  port?: number;
  unixSocket?: string;
  tls?: { certFile: string; keyFile: string };
  /** Without a trailing slash. */
  publicUrl?: string;
  /** The forge's web pages, for html_url; without a trailing slash. */
  webUrl?: string;
  trustProxy: boolean;
  /** Absent: any origin. */
  corsOrigins?: string[];
  lifecycleUrl?: string;
  syncFrom?: string;
  /** --workers as given; absent: the default (the machine's cores where the runtime can start workers). */
  workers?: number;
  /**
   * Set in a worker process by the supervisor that started it (ACTIONS_RUNS_WORKER): its
   * number, 0 to workers - 1. Absent: this process serves alone or supervises.
   */
  worker?: number;
  shutdownGraceSeconds: number;
  /** 0: data of any age is served. */
  maxStalenessMs: number;
  responseCacheBytes: number;
  log: LogConfig;
  limits: LimitsConfig;
  /** Every option as given (URLs with their secrets masked), for the start-up line. */
  inEffect: Record<string, string | number | boolean | null>;
}

export interface SeedConfig {
  target: { out: string } | { postgres: string };
  sizes: SeedOptions;
}

export interface SyncConfig {
  from: string;
  db: string;
  once: boolean;
  log: LogConfig;
}

type Env = Record<string, string | undefined>;

const text = (opts: ParsedOptions, name: string) => opts[name] as string | undefined;
const int = (opts: ParsedOptions, name: string) => opts[name] as number;

function logConfig(opts: ParsedOptions): LogConfig {
  const level = text(opts, "log-level") ?? defaults.logLevel;
  if (!logLevels.includes(level as LogLevel)) throw new UsageError(`--log-level must be one of ${logLevels.join(", ")}, not '${level}'`);
  const format = text(opts, "log-format") ?? defaults.logFormat;
  if (format !== "auto" && format !== "json" && format !== "text") throw new UsageError(`--log-format must be auto, json or text, not '${format}'`);
  return { level: level as LogLevel, format };
}

/** Set by `serve --workers N` in each worker it starts: the worker's number. Not a setting for people. */
export const workerVariable = "ACTIONS_RUNS_WORKER";

export function serveConfig(argv: readonly string[], env: Env): ServeConfig {
  const config = serveConfigFrom(parseOptions(serveCommand, argv, env));
  const worker = env[workerVariable];
  if (worker !== undefined && worker !== "") {
    const n = /^[0-9]+$/.test(worker) ? Number(worker) : NaN;
    if (!(n < (config.workers ?? 0))) throw new UsageError(`${workerVariable} is set by serve --workers for its workers, not '${worker}'`);
    config.worker = n;
  }
  return config;
}

export function serveConfigFrom(opts: ParsedOptions): ServeConfig {
  const db = text(opts, "db");
  const unixSocket = text(opts, "unix-socket");
  const port = (opts.port as number | undefined) ?? (unixSocket ? undefined : defaults.port);
  const certFile = text(opts, "tls-cert");
  const keyFile = text(opts, "tls-key");
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError("--tls-cert and --tls-key go together");
  if (certFile && port === undefined) throw new UsageError("--tls-cert needs a TCP --port");
  for (const f of [certFile, keyFile]) if (f && !existsSync(f)) throw new UsageError(`cannot read ${f}`);
  const publicUrl = text(opts, "public-url");
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new UsageError("--public-url must be an http(s) URL");
  const webUrl = text(opts, "web-url");
  if (webUrl !== undefined && !/^https?:\/\/[^/]+/.test(webUrl)) throw new UsageError("--web-url must be an http(s) URL");
  const corsOrigins = text(opts, "cors-origins")?.split(",").map((o) => o.trim()).filter((o) => o !== "");
  for (const origin of corsOrigins ?? []) {
    if (!/^https?:\/\/[^/]+$/.test(origin.replace(/\/+$/, ""))) throw new UsageError(`--cors-origins takes origins such as https://dash.example, not '${origin}'`);
  }
  const syncFrom = text(opts, "sync-from");
  if (syncFrom !== undefined && db === undefined) throw new UsageError("--sync-from needs --db FILE (the copy it keeps live)");
  const workers = opts.workers as number | undefined;
  if (workers !== undefined && workers > 1 && unixSocket !== undefined) {
    throw new UsageError("--workers above 1 serves a TCP port only: a unix socket is served by one process (--workers 1)");
  }
  return {
    db,
    host: text(opts, "host")!,
    port,
    unixSocket,
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    publicUrl: publicUrl?.replace(/\/+$/, ""),
    webUrl: webUrl?.replace(/\/+$/, ""),
    trustProxy: opts["trust-proxy"] === true,
    corsOrigins,
    lifecycleUrl: text(opts, "lifecycle-url"),
    syncFrom,
    workers,
    shutdownGraceSeconds: int(opts, "shutdown-grace"),
    maxStalenessMs: int(opts, "max-staleness") * 1000,
    responseCacheBytes: int(opts, "response-cache-mb") * 1024 * 1024,
    log: logConfig(opts),
    limits: {
      tokenRequestsPerHour: int(opts, "rate-limit"),
      anonymousRequestsPerHour: int(opts, "rate-limit-anonymous"),
      requestsPerMinute: int(opts, "rate-limit-per-minute"),
      concurrentRequests: int(opts, "max-concurrent"),
      requestTimeoutMs: int(opts, "request-timeout") * 1000,
      maxUrlBytes: int(opts, "max-url-bytes"),
      maxHeaderBytes: int(opts, "max-header-bytes"),
    },
    inEffect: configurationInEffect(serveCommand, opts),
  };
}

export function seedConfig(argv: readonly string[], env: Env): SeedConfig {
  const opts = parseOptions(seedCommand, argv, env);
  const out = text(opts, "out");
  const postgres = text(opts, "postgres");
  if ((out === undefined) === (postgres === undefined)) throw new UsageError("seed needs exactly one of --out FILE or --postgres URL");
  return {
    target: out !== undefined ? { out } : { postgres: postgres! },
    sizes: { repos: int(opts, "repos"), runs: int(opts, "runs"), seed: int(opts, "seed") },
  };
}

export function syncConfig(argv: readonly string[], env: Env): SyncConfig {
  const opts = parseOptions(syncCommand, argv, env);
  const from = text(opts, "from");
  const db = text(opts, "db");
  if (from === undefined || db === undefined) throw new UsageError("sync needs --from URL and --db FILE");
  return { from, db, once: opts.once === true, log: logConfig(opts) };
}

/** Every option's value as the process sees it, URLs with their passwords and tokens masked. */
export function configurationInEffect(spec: CommandSpec, opts: ParsedOptions): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    if (name === "help") continue;
    const value = opts[name];
    out[name] = value === undefined ? null : option.placeholder === "URL" && typeof value === "string" ? redactUrl(value) : value;
  }
  return out;
}
