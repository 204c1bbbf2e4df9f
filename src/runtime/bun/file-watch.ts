// Whether the database file the server has open is still the file at its path, whole. A
// file truncated, overwritten with something that is not SQLite, unlinked or replaced (mv)
// under a running server is otherwise served from whatever the open descriptor still
// reaches: 500s for every request, or an old inode answered as if it were current. Checked
// on a timer (none of these is a commit, so the change signal does not move) and whenever
// the change signal does; two stat calls and a 16-byte read, about 10 µs, 5 times a second.
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

const sqliteHeader = "SQLite format 3\0";

export interface FileWatch {
  /** What is wrong with the file now: null, or a few words for /readyz and the log. */
  check(): string | null;
  /** The last check's finding, without checking. */
  readonly fault: string | null;
  close(): void;
}

export function watchDatabaseFile(path: string): FileWatch {
  // Kept open until the database is closed: closing a descriptor drops SQLite's locks (see wal-index.ts).
  const fd = openSync(path, "r");
  const { ino, dev } = fstatSync(fd);
  const header = new Uint8Array(16);
  let fault: string | null = null;
  let open = true;
  const inspect = (): string | null => {
    let atPath;
    try {
      atPath = statSync(path);
    } catch {
      return "unlinked: no file at its path";
    }
    if (atPath.ino !== ino || atPath.dev !== dev) return "replaced: another file is at its path";
    const size = fstatSync(fd).size;
    if (size < 512 || readSync(fd, header, 0, 16, 0) !== 16) return `truncated: ${size} bytes`;
    if (new TextDecoder("latin1").decode(header) !== sqliteHeader) return "corrupt: not a SQLite file";
    return null;
  };
  return {
    check() {
      if (open) fault = inspect();
      return fault;
    },
    get fault() {
      return fault;
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
