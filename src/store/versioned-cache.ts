// Answers remembered for as long as the database has not changed. The caller says which data
// version it is reading at (its request's, read once when the request began); a new version
// empties the cache, and a null version (a database that gives no change signal) remembers
// nothing. So nothing here outlives the data it was computed from.

/** The data version a read is made at; null when the database gives no change signal. */
export type DataVersion = number | null;

export class VersionedCache<V> {
  private readonly entries = new Map<string, V>();
  private version: number | null = null;

  constructor(private readonly maxEntries: number) {}

  get(key: string, version: DataVersion, compute: () => V): V {
    if (version === null) return compute();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute();
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, value);
    }
    return value;
  }
}
