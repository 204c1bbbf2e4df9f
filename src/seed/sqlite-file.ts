// Replaces a SQLite file as a whole: the new database is built beside it and renamed over it,
// so a reader never sees a half-written file.
import { existsSync, renameSync, rmSync } from "node:fs";

/** The files SQLite keeps next to a database in WAL or rollback-journal mode. */
const sidecars = (path: string) => [`${path}-wal`, `${path}-shm`, `${path}-journal`];

export function removeSqliteFile(path: string): void {
  for (const p of [path, ...sidecars(path)]) rmSync(p, { force: true });
}

/**
 * Builds a fresh database at `${path}.tmp` with `build`, then moves it to `path`. The builder
 * must close its connection before returning, so that no -wal is left to carry over.
 */
export async function replaceSqliteFile<T>(path: string, build: (tmpPath: string) => Promise<T>): Promise<T> {
  const tmp = `${path}.tmp`;
  removeSqliteFile(tmp);
  try {
    const result = await build(tmp);
    // A stale -wal beside the new file would be replayed into it.
    for (const p of sidecars(path)) rmSync(p, { force: true });
    renameSync(tmp, path);
    return result;
  } catch (e) {
    if (existsSync(tmp)) removeSqliteFile(tmp);
    throw e;
  }
}
