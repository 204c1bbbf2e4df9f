// The executable's commands and their flags, in one table that parsing, --help and the
// README's configuration table share; the defaults come from ../defaults.ts.
import { defaults } from "../defaults.ts";
import type { CommandSpec } from "./options.ts";

const { limits } = defaults;

export const serveCommand: CommandSpec = {
  name: "serve",
  summary: "Serve the API. With no --db, serves the demo database embedded in the executable.",
  options: {
    db: { type: "string", env: "ACTIONS_RUNS_DB", placeholder: "FILE", unset: "the embedded demo database", description: "SQLite database file to serve (opened read-only)" },
    host: { type: "string", env: "ACTIONS_RUNS_HOST", placeholder: "HOST", default: defaults.host, description: "Address to listen on" },
    port: { type: "integer", env: "ACTIONS_RUNS_PORT", placeholder: "N", min: 0, max: 65535, unset: `\`${defaults.port}\` (none with only --unix-socket)`, description: "TCP port; 0 picks a free one" },
    "unix-socket": { type: "string", env: "ACTIONS_RUNS_UNIX_SOCKET", placeholder: "PATH", unset: "none", description: "Also (or, without --port, only) listen on this unix socket" },
    "tls-cert": { type: "string", env: "ACTIONS_RUNS_TLS_CERT", placeholder: "FILE", unset: "plain HTTP", description: "PEM certificate: serve HTTPS on the TCP port" },
    "tls-key": { type: "string", env: "ACTIONS_RUNS_TLS_KEY", placeholder: "FILE", description: "PEM private key for --tls-cert" },
    "public-url": { type: "string", env: "ACTIONS_RUNS_PUBLIC_URL", placeholder: "URL", unset: "the request's own scheme and host", description: "Base of the absolute URLs in responses" },
    "web-url": { type: "string", env: "ACTIONS_RUNS_WEB_URL", placeholder: "URL", unset: "the API's own base", description: "Base of the forge's web pages, for every html_url" },
    "trust-proxy": { type: "boolean", env: "ACTIONS_RUNS_TRUST_PROXY", description: "Take the scheme and host of URLs from X-Forwarded-Proto and X-Forwarded-Host (only behind a proxy that sets them)" },
    "cors-origins": { type: "string", env: "ACTIONS_RUNS_CORS_ORIGINS", placeholder: "LIST", unset: "any origin, as GitHub's API", description: "Comma-separated origins whose pages may read the answers" },
    "lifecycle-url": { type: "string", env: "ACTIONS_RUNS_LIFECYCLE_URL", placeholder: "URL", unset: "none", description: "Where the forge's Actions lifecycle routes (re-run, cancel, …) are, named in the read-only refusal" },
    "sync-from": { type: "string", env: "ACTIONS_RUNS_SYNC_FROM", placeholder: "URL", unset: "no sync", description: "Keep --db live by following this forge PostgreSQL database" },
    workers: { type: "integer", env: "ACTIONS_RUNS_WORKERS", placeholder: "N", min: 1, max: defaults.maxWorkers, unset: "the cores it may use: its CPUs, or its cgroup's CPU quota rounded up (1 with --unix-socket, and under Deno)", description: "Processes serving the one TCP port (SO_REUSEPORT); one of them runs --sync-from. 1: a single process" },
    "shutdown-grace": { type: "integer", env: "ACTIONS_RUNS_SHUTDOWN_GRACE", placeholder: "SECONDS", default: defaults.shutdownGraceSeconds, min: 0, max: 3600, description: "On SIGTERM/SIGINT, time allowed for in-flight requests" },
    "max-staleness": { type: "integer", env: "ACTIONS_RUNS_MAX_STALENESS", placeholder: "SECONDS", default: defaults.maxStalenessSeconds, min: 0, max: 31_536_000, description: "With --sync-from: answer 503 once the data is older than this (0: serve it however old)" },
    "response-cache-mb": { type: "integer", env: "ACTIONS_RUNS_RESPONSE_CACHE_MB", placeholder: "MIB", default: defaults.responseCacheMib, min: 0, max: 65_536, description: "Memory for remembered answers, kept while their repository is unchanged (0: every answer recomputed)" },
    "log-level": { type: "string", env: "ACTIONS_RUNS_LOG_LEVEL", placeholder: "LEVEL", default: defaults.logLevel, description: "debug, info, warn or error (one line per request at info)" },
    "log-format": { type: "string", env: "ACTIONS_RUNS_LOG_FORMAT", placeholder: "FORMAT", default: defaults.logFormat, description: "json, text, or auto: text on a terminal, JSON otherwise" },
    "rate-limit": { type: "integer", env: "ACTIONS_RUNS_RATE_LIMIT", placeholder: "N", default: limits.tokenRequestsPerHour, min: 0, max: 1_000_000_000, description: "Requests per token per hour (0: no hourly limit)" },
    "rate-limit-anonymous": { type: "integer", env: "ACTIONS_RUNS_RATE_LIMIT_ANONYMOUS", placeholder: "N", default: limits.anonymousRequestsPerHour, min: 0, max: 1_000_000_000, description: "Requests per client address per hour without a valid token (0: no hourly limit)" },
    "rate-limit-per-minute": { type: "integer", env: "ACTIONS_RUNS_RATE_LIMIT_PER_MINUTE", placeholder: "N", default: limits.requestsPerMinute, min: 0, max: 1_000_000_000, description: "Requests per token or address in any one minute: the burst allowed (0: none)" },
    "max-concurrent": { type: "integer", env: "ACTIONS_RUNS_MAX_CONCURRENT", placeholder: "N", default: limits.concurrentRequests, min: 0, max: 1_000_000, description: "Requests of one token or address in progress at once (0: no cap)" },
    "request-timeout": { type: "integer", env: "ACTIONS_RUNS_REQUEST_TIMEOUT", placeholder: "SECONDS", default: limits.requestTimeoutSeconds, min: 0, max: 3600, description: "Time to produce a response before answering 503 (0: none)" },
    "max-url-bytes": { type: "integer", env: "ACTIONS_RUNS_MAX_URL_BYTES", placeholder: "N", default: limits.maxUrlBytes, min: 0, max: 1_048_576, description: "Longest request target (path and query) before 414 (0: no check)" },
    "max-header-bytes": { type: "integer", env: "ACTIONS_RUNS_MAX_HEADER_BYTES", placeholder: "N", default: limits.maxHeaderBytes, min: 0, max: 1_048_576, description: "Largest header block before 431 (0: no check; Bun itself refuses over 16 KiB)" },
    help: { type: "boolean", description: "Show this help" },
  },
};

export const seedCommand: CommandSpec = {
  name: "seed",
  summary: "Write a realistic, deterministic database: a SQLite file (--out), or a forge-schema PostgreSQL database (--postgres; into an empty database it first creates the forge tables from db/forge/schema.sql).",
  options: {
    out: { type: "string", placeholder: "FILE", description: "SQLite file to create (replaced if it exists)" },
    postgres: { type: "string", placeholder: "URL", description: "PostgreSQL database to fill (forge schema)" },
    repos: { type: "integer", placeholder: "N", default: defaults.seed.repos, min: 0, max: 10_000_000, description: "Generated repositories, besides the fixed demo ones" },
    runs: { type: "integer", placeholder: "N", default: defaults.seed.runs, min: 0, max: 1_000_000_000, description: "Generated runs, besides the demo ones" },
    seed: { type: "integer", placeholder: "N", default: defaults.seed.seed, min: 0, max: 2 ** 32 - 1, description: "Random seed: the same seed and sizes give the same data" },
    help: { type: "boolean", description: "Show this help" },
  },
};

export const syncCommand: CommandSpec = {
  name: "sync",
  summary: "Copy the forge's PostgreSQL data into the service's SQLite file, then keep following its changes.",
  options: {
    from: { type: "string", env: "ACTIONS_RUNS_SYNC_FROM", placeholder: "URL", description: "Forge PostgreSQL URL (a read-only role is enough)" },
    db: { type: "string", env: "ACTIONS_RUNS_DB", placeholder: "FILE", description: "SQLite file to write (created if missing)" },
    once: { type: "boolean", description: "Stop once caught up" },
    help: { type: "boolean", description: "Show this help" },
  },
};

export const commands = [serveCommand, seedCommand, syncCommand] as const;
