// Watches a SQLite copy for changes the forge committed: each change writes a unique
// display_title to one of `ids`, and the watcher records how long after commit a reader
// of the copy first saw it. Used by the sync test (every change arrives) and the sync
// benchmark (how fast).
import { Database } from "bun:sqlite";

export interface VisibilityWatch {
  /** Call right after the forge committed the change that wrote `title`. */
  committed(title: string): void;
  /** Stop once every change was seen or `graceMs` passed; lags in ms, ascending, and how many were never seen. */
  stop(graceMs: number): Promise<{ lags: number[]; missed: number }>;
}

export function watchVisibility(dbFile: string, ids: readonly number[]): VisibilityWatch {
  const committedAt = new Map<string, number>();
  const lags: number[] = [];
  const reader = new Database(dbFile, { readonly: true });
  const titles = reader.query<{ t: string }, []>(`SELECT display_title AS t FROM workflow_runs WHERE id IN (${ids.map(Number).join(",")})`);
  let writing = true;
  const readLoop = (async () => {
    while (writing || committedAt.size > 0) {
      const now = performance.now();
      for (const { t } of titles.all()) {
        const at = committedAt.get(t);
        if (at !== undefined) {
          lags.push(now - at);
          committedAt.delete(t);
        }
      }
      await Bun.sleep(2);
    }
  })();
  return {
    committed: (title) => void committedAt.set(title, performance.now()),
    async stop(graceMs) {
      writing = false;
      await Promise.race([readLoop, Bun.sleep(graceMs)]);
      const missed = committedAt.size;
      committedAt.clear();
      reader.close();
      return { lags: lags.sort((a, b) => a - b), missed };
    },
  };
}
