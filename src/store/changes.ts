// Which repositories changed since an answer was computed: the file's repo_changes table
// (migration 0004), a count of writes per repository raised by triggers in the very
// transaction of every write to a table an answer is made of. Read again only when the data
// version moves (one read of a row per repository), so that a commit to one repository
// leaves every other repository's remembered answers standing.
//
// The lookups of the auth chain (tokens, repositories by name, memberships) are remembered
// under `facts`, raised only by a write to those tables, rather than under the data version.
//
// A file without the table (made before the migration) gives no such detail: every commit
// then counts as a change of every repository and every fact, as before.
import { repoChanges } from "../../db/schema.ts";
import type { ServiceDatabase } from "./database.ts";
import type { DataVersion, FactsVersion } from "./versioned-cache.ts";

/** The changes seen at one data version. */
export interface Freshness {
  /** The data version these were read at. */
  readonly version: number;
  /** Raised by a change of every repository (an account), and when the counts went back (another file). */
  readonly generation: number;
  /** How many times this repository's answers were written to, as last read (0: never). */
  repository(id: number): number;
  /**
   * Raised by a change of what the auth chain reads (tokens, accounts, memberships,
   * collaborators, repositories): the version its lookups are remembered under.
   */
  readonly facts: NonNullable<FactsVersion>;
}

export class RepositoryChanges implements Freshness {
  version = -1;
  generation = 0;
  private factsCount = 0;
  private counts = new Map<number, number>();
  private everyRepository = -1;
  private authFacts = -1;
  private readonly all: { values(): unknown[][] } | null;

  constructor(db: ServiceDatabase) {
    let all = null;
    try {
      all = db.select({ repoId: repoChanges.repoId, writes: repoChanges.writes }).from(repoChanges).prepare();
    } catch {
      // No such table: a file from before migration 0004.
    }
    this.all = all;
  }

  /**
   * The changes as of `version`, read when the version is new. Call it before anything else
   * of the request is read: what it reads is then never newer than the answer's data, so an
   * answer filed with it can only be dropped too early, never kept too long.
   */
  at(version: DataVersion): Freshness | null {
    if (version === null) return null;
    if (version === this.version) return this;
    this.version = version;
    if (this.all === null) {
      this.generation = this.factsCount = version;
      return this;
    }
    const counts = new Map<number, number>();
    let wentBack = false;
    for (const [repoId, writes] of this.all.values() as [number, number][]) {
      if (repoId === 0) {
        if (writes !== this.everyRepository) this.generation++;
        if (writes < this.everyRepository) wentBack = true;
        this.everyRepository = writes;
      } else if (repoId === -1) {
        if (writes !== this.authFacts) this.factsCount++;
        this.authFacts = writes;
      } else {
        if (writes < (this.counts.get(repoId) ?? 0)) wentBack = true;
        counts.set(repoId, writes);
      }
    }
    // Counts never go down in one file: if one did, another file is in its place, and nothing read before counts.
    if (wentBack) {
      this.generation++;
      this.factsCount++;
    }
    this.counts = counts;
    return this;
  }

  get facts(): NonNullable<FactsVersion> {
    return this.factsCount as NonNullable<FactsVersion>;
  }

  repository(id: number): number {
    return this.counts.get(id) ?? 0;
  }
}
