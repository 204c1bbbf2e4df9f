// The database `serve` reads, kept whole: its file is watched (see the runtime's
// OpenedDatabase.fault), a fault is logged once and answered with 503s at once, and the
// file is brought back without a restart. Under --sync-from the copy is rebuilt from the
// source into a new file, which is moved into place once loaded and then followed; without a
// sync, a file put back at the path (mv of a good copy) is opened in place of the lost one.
// The app reads through one store and one data version that follow whichever file is current.
import { renameSync, rmSync } from "node:fs";
import type { Log } from "../observability/log.ts";
import type { OpenedDatabase, Runtime } from "../runtime/types.ts";
import { createStore } from "../store/index.ts";
import type { ServiceDatabase, Store } from "../store/index.ts";
import type { RunningSync, SyncOptions } from "../sync/index.ts";
import { fileSyncHealth } from "../sync/heartbeat.ts";
import type { FileSyncHealth } from "../sync/heartbeat.ts";

export interface ServedDatabase {
  readonly store: Store;
  readonly db: ServiceDatabase;
  /** How the current file's changes are noticed, for the start-up line. */
  readonly changeSignal: string;
  dataVersion(): number;
  /** What is wrong with the file now (a rebuild under way included); null while it is whole. */
  fault(): string | null;
  /** The sync following the file, if any (a rebuild replaces it). */
  sync(): RunningSync | null;
  /** The sync's heartbeat in the current file: what /readyz and /metrics report, whichever process syncs it. */
  health(): FileSyncHealth;
  close(): Promise<void>;
}

const checkMs = 200;

async function syncCode(runtime: Runtime): Promise<{ startSync: (options: SyncOptions) => RunningSync; edges: SyncOptions["edges"] }> {
  const [{ startSync }, edges] = await Promise.all([import("../sync/index.ts"), runtime.syncEdges()]);
  return { startSync, edges };
}
/** Versions of successive files never meet: each file's change signal counts from 1. */
const generationStride = 2 ** 32;

/**
 * The sync's code and edges are loaded only under --sync-from (before anything is opened: the
 * sync creates the file and its tables before `startSync` returns, so it starts first).
 */
export async function servedDatabase(runtime: Runtime, path: string, syncFrom: string | undefined, log: Log): Promise<ServedDatabase> {
  const syncing = syncFrom === undefined ? null : await syncCode(runtime);
  const follow = (dbPath: string, once = false) => syncing!.startSync({ edges: syncing!.edges, from: syncFrom!, dbPath, log, once });
  let sync: RunningSync | null = syncFrom !== undefined ? follow(path) : null;
  let current: OpenedDatabase = runtime.openDatabaseFile(path);
  let store = createStore(current.db, current.readTransaction);
  let health = fileSyncHealth(current.db, Date.now);
  let generation = 0;
  let rebuilding: Promise<void> | null = null;
  let reported: string | null = null;
  let closed = false;
  let lastVersion = 0;

  const swapIn = (opened: OpenedDatabase) => {
    const old = current;
    current = opened;
    store = createStore(opened.db, opened.readTransaction);
    health = fileSyncHealth(opened.db, Date.now);
    generation++;
    try {
      old.close();
    } catch {
      // A file that is gone or broken may fail to close cleanly; it is given up either way.
    }
  };

  const rebuild = async (fault: string) => {
    const startedAt = Date.now();
    // A broken file may fail its last rollback or close (disk I/O error): it is being given up either way.
    await sync?.stop().catch(() => {});
    sync = null;
    // Nothing reads the broken file meanwhile (every request is a 503), and its connection,
    // closed, lets go of the path's -wal and -shm before they are removed.
    try {
      current.close();
    } catch {
      // As above.
    }
    const fresh = `${path}.rebuild`;
    for (const f of [fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(f, { force: true });
    // Loaded and caught up once, then closed (checkpointed), so the file alone holds it all.
    const loader = follow(fresh, true);
    await loader.finished;
    if (closed) return;
    for (const f of [`${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    renameSync(fresh, path);
    sync = follow(path);
    current = runtime.openDatabaseFile(path);
    store = createStore(current.db, current.readTransaction);
    health = fileSyncHealth(current.db, Date.now);
    generation++;
    log("database_rebuilt", { file: path, after: fault, seconds: +((Date.now() - startedAt) / 1000).toFixed(1) });
  };

  const timer = setInterval(() => {
    if (closed || rebuilding) return;
    const fault = current.fault?.() ?? null;
    if (fault !== reported) {
      if (fault !== null) log("database_fault", { file: path, fault, action: syncFrom !== undefined ? "rebuilding from the source" : "serving nothing until a good file is at the path" });
      else log("database_recovered", { file: path });
      reported = fault;
    }
    if (fault === null) return;
    if (syncFrom !== undefined) {
      rebuilding = rebuild(fault).catch((e) => log("database_rebuild_failed", { file: path, error: String((e as Error)?.stack ?? e) }))
        .finally(() => {
          rebuilding = null;
          reported = null;
        });
    } else if (!fault.startsWith("truncated") && !fault.startsWith("corrupt")) {
      // Unlinked or replaced: a good file at the path again is opened in its place.
      try {
        swapIn(runtime.openDatabaseFile(path));
        log("database_reopened", { file: path, after: fault });
        reported = null;
      } catch {
        // Not (yet) a database: keep answering 503 and look again.
      }
    }
  }, checkMs);
  timer.unref?.();

  const db = new Proxy({} as ServiceDatabase, {
    get(_target, key) {
      const value = (current.db as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === "function" ? value.bind(current.db) : value;
    },
  });
  return {
    store: new Proxy({} as Store, { get: (_target, key) => store[key as keyof Store] }),
    db,
    get changeSignal() {
      return current.changeSignal;
    },
    // While a rebuild runs the old file is closed: its last version stands (nothing is read).
    dataVersion: () => (rebuilding ? lastVersion : (lastVersion = generation * generationStride + current.dataVersion())),
    fault: () => (rebuilding ? "being rebuilt: from the source" : current.fault?.() ?? null),
    sync: () => sync,
    health: () => health,
    async close() {
      closed = true;
      clearInterval(timer);
      await sync?.stop();
      await rebuilding;
      if (!rebuilding) current.close();
    },
  };
}
