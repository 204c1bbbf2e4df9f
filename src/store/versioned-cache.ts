// Answers remembered for as long as the database has not changed. `version` must change
// whenever any connection commits (SQLite's PRAGMA data_version does, on the reader's own
// connection), so nothing here can outlive the data it was computed from.

export interface VersionedCache<V> {
  get(key: string, compute: () => V): V;
}

export function versionedCache<V>(version: (() => number) | undefined, maxEntries: number): VersionedCache<V> {
  if (!version) return { get: (_key, compute) => compute() };
  const entries = new Map<string, V>();
  let seen = version();
  return {
    get(key, compute) {
      const now = version();
      if (now !== seen) {
        entries.clear();
        seen = now;
      }
      let value = entries.get(key);
      if (value === undefined) {
        value = compute();
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, value);
      }
      return value;
    },
  };
}
