// What a runtime provides to the service, as one object handed to the commands: opening the
// database (a file or the embedded demo), serving HTTP (TCP, TLS, a unix socket) with each
// request's peer, the codec, the embedded assets, and the sync's two edges. Everything else
// — the app, the query layer, the sync's logic — is the same code on every runtime.
// Bun's is src/runtime/bun/, loaded only by the Bun entry (src/main.ts).
import type { Codec } from "../http/encoding.ts";
import type { DocsAssets } from "../http/docs.ts";
import type { Peer } from "../http/pipeline.ts";
import type { Log } from "../observability/log.ts";
import type { ReadTransaction, ServiceDatabase } from "../store/index.ts";
import type { SyncEdges } from "../sync/index.ts";

export interface OpenedDatabase {
  db: ServiceDatabase;
  /** Where the data comes from, for the start-up line. */
  source: string;
  /** Changes whenever another connection (the sync) has committed to the file. */
  dataVersion: () => number;
  /** How changes are noticed, for the start-up line. */
  changeSignal: string;
  /**
   * What is wrong with the file (truncated, corrupt, unlinked, replaced), checked a few times
   * a second and at every change; null while it is whole. Absent: nothing to watch (in memory).
   */
  fault?: () => string | null;
  /** BEGIN, COMMIT and ROLLBACK on the connection, prepared once: the store's read snapshots (src/store/snapshot.ts). */
  readTransaction: ReadTransaction;
  close(): void;
}

/** A database that cannot be served: unreadable, not SQLite, or without the service's tables. */
export class DatabaseOpenError extends Error {}

/** The server's side of a request: the request, and who sent it. */
export type Entry = (request: Request, peer: Peer | null) => Response | Promise<Response>;

export interface ListenOptions {
  host: string;
  /** Omitted: no TCP listener (unix socket only). */
  port?: number;
  unixSocket?: string;
  tls?: { certFile: string; keyFile: string };
  shutdownGraceSeconds: number;
  /** Seconds a connection may stay silent, waiting for a response included. */
  idleTimeoutSeconds?: number;
  /** Share the TCP port with other processes that set it too (SO_REUSEPORT): `serve --workers`. */
  reusePort?: boolean;
}

export interface Listening {
  urls: string[];
  /**
   * Drain, then close: for a moment every answer carries `Connection: close` (requests already
   * sent are read and answered), then no new connections, and in-flight requests finish, for up
   * to the grace period; `listenerClosed` is called when the listener is closed.
   */
  stop(hooks?: { listenerClosed?: () => void }): Promise<void>;
}

/** The process's standard output, as the log and the supervisor write it. */
export interface Stdout {
  /** A terminal: the log's `auto` format is text there, JSON anywhere else. */
  readonly isTTY: boolean;
  write(chunk: string | Uint8Array): void;
}

/** One worker of `serve --workers N`: this executable again, as a child process. */
export interface WorkerProcess {
  readonly pid: number;
  /** Its stdout, as it comes (the supervisor passes it on whole lines at a time). */
  readonly output: AsyncIterable<Uint8Array>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  kill(signal: "SIGTERM" | "SIGINT" | "SIGKILL"): void;
  /** A message on its channel (dropped once it has exited). */
  send(message: unknown): void;
}

/** What a worker is started for: the memory its remembered answers may take, and how many workers share the machine. */
export interface WorkerSizing {
  responseCacheBytes: number;
  workers: number;
}

/**
 * What `serve --workers N` needs of a runtime: starting workers and sharing a port among them.
 * Loaded on its own (without the rest of the runtime), so that the supervisor starts quickly.
 */
export interface WorkerProcesses {
  /**
   * Start this program again (the executable, or the runtime and its entry script) with these
   * arguments and environment: stdout piped to the caller, stderr its own, and a channel
   * whose messages go to `onMessage` (the worker reports there that it listens). A runtime
   * may size the worker's heap by `sizing`.
   */
  start(args: string[], env: Record<string, string | undefined>, onMessage: (message: unknown) => void, sizing: WorkerSizing): WorkerProcess;
  /**
   * Make sure the workers can share host:port. A given port is checked to be free (no other
   * server on it, not even one that shares ports); port 0 binds a free one, and holds it
   * (shared) until `release`, so that no one takes it before the workers listen on it.
   */
  reservePort(host: string, port: number): { port: number; release(): void };
}

export interface Runtime {
  readonly name: string;
  /** A database file, opened read-only; another process (the sync) may be writing it. */
  openDatabaseFile(path: string): OpenedDatabase;
  /** The demo database inside the executable, in memory and read-only. */
  openEmbeddedDemo(): Promise<OpenedDatabase>;
  listen(entry: Entry, opts: ListenOptions, log: Log): Promise<Listening>;
  readonly codec: Codec;
  /**
   * A full collection, now. Remembered answers that were dropped live in the old generation,
   * which the collector visits seldom: without one, a cache turning over (new URLs pushing out
   * old ones) held up to 15 times its budget as garbage (tests/e2e/memory-budget.test.ts). A
   * non-blocking request for one (Bun.gc(false)) halved that, no more.
   */
  readonly collectGarbage?: () => void;
  readonly docsAssets: DocsAssets;
  /**
   * The sync's two edges, loaded when first asked for: a `serve` without --sync-from never
   * loads the PostgreSQL client or the copy's code (about 5 ms of every start).
   */
  syncEdges(): Promise<SyncEdges>;
}
