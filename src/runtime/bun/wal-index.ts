// Noticing another connection's commits without asking SQLite. PRAGMA data_version says
// whether the database changed, but costs a read transaction: shared-memory locks and a few
// system calls, about 3 µs, as much as the rest of a remembered answer. In WAL mode the same
// fact is in the wal-index header, the first 96 bytes of the -shm file (two copies of one
// 48-byte header), which every commit rewrites last, as the point where the commit becomes
// visible: SQLite's own readers decide whether the database changed by comparing exactly
// this header (https://www.sqlite.org/walformat.html). So if the header reads the same as
// last time, nothing was committed since; if it differs, something may have been.
//
// The header is read from a shared mapping of the file (a memory read) where the C library's
// mmap can be called, else with one pread. Either way the file is opened once and its
// descriptor kept until the database is closed: closing any descriptor of a file drops every
// POSIX lock the process holds on it, SQLite's included (Bun.mmap closes its own at once, so
// it cannot be used here), and another process could then truncate the file under SQLite.
// While SQLite's connection is open it holds its lock on the file, so no other connection
// truncates or removes it, and the mapping stays valid.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { dlopen, FFIType, toArrayBuffer } from "bun:ffi";

const headerWords = 24;
const mappedBytes = 4096;

export interface WalIndexWatch {
  /** How the header is read. */
  readonly how: "wal-index mapped" | "wal-index pread";
  /** A number that changes whenever a commit became visible since the last call. */
  version(): number;
  /** Stop watching; call it when the database connection is closed, not before. */
  close(): void;
}

interface Mapping {
  words: Int32Array;
  unmap(): void;
}

type Libc = { symbols: { mmap(...args: unknown[]): number | null; munmap(...args: unknown[]): number } };
let libc: Libc | null | undefined;

function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    libc = dlopen("libc.so.6", {
      mmap: { args: [FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.i32, FFIType.i32, FFIType.i64], returns: FFIType.ptr },
      munmap: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
    }) as unknown as Libc;
  } catch {
    libc = null;
  }
  return libc;
}

function mapHeader(fd: number): Mapping | null {
  const c = loadLibc();
  if (c === null) return null;
  const PROT_READ = 1;
  const MAP_SHARED = 1;
  const address = c.symbols.mmap(null, mappedBytes, PROT_READ, MAP_SHARED, fd, 0);
  // MAP_FAILED is (void *)-1, beyond what a double holds exactly.
  if (address === null || address === 0 || address > Number.MAX_SAFE_INTEGER) return null;
  return {
    words: new Int32Array(toArrayBuffer(address, 0, headerWords * 4)),
    unmap: () => void c.symbols.munmap(address, mappedBytes),
  };
}

/**
 * Watch the wal-index of a WAL-mode database that a connection of this process holds open;
 * null when it cannot be read (then ask SQLite). `map: false` reads with pread only.
 */
export function watchWalIndex(databaseFile: string, opts: { map?: boolean } = {}): WalIndexWatch | null {
  let fd: number;
  try {
    fd = openSync(`${databaseFile}-shm`, "r");
  } catch {
    return null;
  }
  // Never closed before the database is: see above.
  let mapping: Mapping | null = null;
  let current: Int32Array;
  let refresh: () => void;
  if (opts.map !== false && fstatSync(fd).size >= mappedBytes && (mapping = mapHeader(fd)) !== null) {
    current = mapping.words;
    refresh = () => {};
  } else {
    current = new Int32Array(headerWords);
    const bytes = new Uint8Array(current.buffer);
    if (readSync(fd, bytes, 0, headerWords * 4, 0) !== headerWords * 4) return null;
    refresh = () => void readSync(fd, bytes, 0, headerWords * 4, 0);
  }
  const seen = new Int32Array(headerWords);
  seen.set(current);
  let version = 1;
  let open = true;
  return {
    how: mapping ? "wal-index mapped" : "wal-index pread",
    version() {
      if (!open) return version;
      refresh();
      for (let i = 0; i < headerWords; i++) {
        if (current[i] !== seen[i]) {
          seen.set(current);
          version++;
          break;
        }
      }
      return version;
    },
    close() {
      if (!open) return;
      open = false;
      mapping?.unmap();
      closeSync(fd);
    },
  };
}
