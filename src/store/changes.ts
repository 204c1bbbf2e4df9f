// Which repositories changed since an answer was computed: the file's repo_changes table
// (migration 0004), raised by triggers in the very transaction of every write to a table an
// answer is made of. Read again only when the data version moves, and then only its rows
// past the highest seq seen (one range read of an index), so that a commit to one
// repository leaves every other repository's remembered answers standing.
//
// The lookups of the auth chain (tokens, repositories by name, memberships) are remembered
// under `facts`, raised only by a write to those tables, rather than under the data version.
//
// A file without the table (made before the migration) gives no such detail: every commit
// then counts as a change of every repository and every fact, as before.
import { desc, gt, sql } from "drizzle-orm";
import { repoChanges } from "../../db/schema.ts";
import type { ServiceDatabase } from "./database.ts";
import type { DataVersion } from "./versioned-cache.ts";

/** The changes seen at one data version. */
export interface Freshness {
  /** The data version these were read at. */
  readonly version: number;
  /** Raised by a change of every repository (an account), and when the file was replaced. */
  readonly generation: number;
  /** The seq of the last commit that changed this repository's answers (0: none since the file was first read). */
  repository(id: number): number;
  /**
   * Raised by a change of what the auth chain reads (tokens, accounts, memberships,
   * collaborators, repositories): the version its lookups are remembered under.
   */
  readonly facts: number;
}

export class RepositoryChanges implements Freshness {
  version = -1;
  generation = 0;
  facts = 0;
  private readonly seqs = new Map<number, number>();
  private highest = 0;
  private readonly since: { all(values: { seq: number }): { repoId: number; seq: number }[] } | null;
  private readonly top: { get(): { seq: number } | undefined } | null;

  constructor(db: ServiceDatabase) {
    let since = null;
    let top = null;
    try {
      since = db.select({ repoId: repoChanges.repoId, seq: repoChanges.seq }).from(repoChanges)
        .where(gt(repoChanges.seq, sql.placeholder("seq"))).orderBy(repoChanges.seq).prepare();
      top = db.select({ seq: repoChanges.seq }).from(repoChanges).orderBy(desc(repoChanges.seq)).limit(1).prepare();
    } catch {
      // No such table: a file from before migration 0004.
      since = top = null;
    }
    this.since = since;
    this.top = top;
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
    if (this.since === null || this.top === null) {
      this.generation = this.facts = version;
      return this;
    }
    const highest = this.top.get()?.seq ?? 0;
    if (highest < this.highest) {
      // Seqs went back: another file is in its place. Nothing read before counts.
      this.seqs.clear();
      this.highest = 0;
      this.generation++;
      this.facts++;
    }
    for (const { repoId, seq } of this.since.all({ seq: this.highest })) {
      if (repoId === 0) this.generation++;
      else if (repoId === -1) this.facts++;
      else this.seqs.set(repoId, seq);
      if (seq > this.highest) this.highest = seq;
    }
    return this;
  }

  repository(id: number): number {
    return this.seqs.get(id) ?? 0;
  }
}
