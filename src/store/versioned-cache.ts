// Answers remembered for as long as the database has not changed. The caller says which data
// version it is reading at (its request's, read once when the request began); a new version
// empties the cache, and a null version (a database that gives no change signal) remembers
// nothing. So nothing here outlives the data it was computed from.
//
// Keys come from requests (names as sent, filters), so the cache is bounded in bytes, not in
// entries: a client sending long keys fills its budget sooner, never more than its budget.
// Oldest first out.

/** The data version a read is made at; null when the database gives no change signal. */
export type DataVersion = number | null;

declare const factsKind: unique symbol;
/**
 * The version of what the auth chain reads (tokens, accounts, memberships, collaborators,
 * repositories): `Freshness.facts`, moved only by a write to those, where the data version
 * moves with every commit. A number of its own kind, so that a data version cannot be passed
 * where this is meant: both are counters, and a lookup filed under the one and found under an
 * equal other outlived the facts it was read from (a repository made private, served as public).
 */
export type FactsVersion = (number & { readonly [factsKind]: true }) | null;

/**
 * What one entry holds besides its key: the Map's slot and the value. Strings count two bytes
 * a character (V8 keeps some as UTF-16), and a key is held twice (the Map's, and its hash table's).
 */
const entryOverheadBytes = 96;

export class VersionedCache<V> {
  private readonly entries = new Map<string, V>();
  private version: number | null = null;
  private bytes = 0;

  /** What each entry was counted at, when values differ in size. */
  private readonly costs: Map<string, number> | null;

  /**
   * `valueBytes`: what a value costs in memory besides the entry, an estimate on the safe side
   * (a record of a few short strings: a few hundred bytes; a number or boolean: 0), or a
   * function of the value, for values whose size varies (arrays of counts).
   */
  constructor(private readonly maxBytes: number, private readonly valueBytes: number | ((value: V) => number)) {
    this.costs = typeof valueBytes === "function" ? new Map() : null;
  }

  /** Bytes accounted for (keys, values and overhead), for the tests. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private static cost(key: string, valueBytes: number): number {
    return key.length * 2 + valueBytes + entryOverheadBytes;
  }

  get(key: string, version: DataVersion, compute: () => V): V {
    if (version === null) return compute();
    if (version !== this.version) {
      this.entries.clear();
      this.costs?.clear();
      this.bytes = 0;
      this.version = version;
    }
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute();
      const valueBytes = this.valueBytes;
      const cost = VersionedCache.cost(key, typeof valueBytes === "function" ? valueBytes(value) : valueBytes);
      // A key that would take more than a sixteenth of the budget is computed every time.
      if (cost > this.maxBytes / 16) return value;
      while (this.bytes + cost > this.maxBytes && this.entries.size > 0) {
        const oldest = this.entries.keys().next().value!;
        this.entries.delete(oldest);
        this.bytes -= this.costs?.get(oldest) ?? VersionedCache.cost(oldest, this.valueBytes as number);
        this.costs?.delete(oldest);
      }
      this.entries.set(key, value);
      this.costs?.set(key, cost);
      this.bytes += cost;
    }
    return value;
  }
}
