// What the copy already holds from recent polls: row versions (key + updated_at µs) and
// processed deletes (seq). Consecutive change windows overlap on purpose; this keeps the
// overlap from being written again, so an idle forge means an untouched SQLite file (and the
// API's answers cached on data_version stay valid). Only committed work is remembered.
import type { KeyValues } from "./tables.ts";
import type { ChangeWindow } from "./watermarks.ts";

/** Past this many remembered rows, forget them all: it only costs re-writing the overlap once. */
const maxRemembered = 500_000;

export class AppliedRecently {
  private versions = new Map<string, number>();
  private seqs = new Set<number>();
  private stagedVersions: [string, number][] = [];
  private stagedRemovals: string[] = [];
  private stagedSeqs: number[] = [];

  hasVersion(table: string, key: KeyValues, versionUs: number): boolean {
    return this.versions.get(rowId(table, key)) === versionUs;
  }

  hasDelete(seq: number): boolean {
    return this.seqs.has(seq);
  }

  /** Written in the open transaction; remembered once it commits. */
  stageVersion(table: string, key: KeyValues, versionUs: number): void {
    this.stagedVersions.push([rowId(table, key), versionUs]);
  }

  stageRemoval(table: string, key: KeyValues): void {
    this.stagedRemovals.push(rowId(table, key));
  }

  stageDelete(seq: number): void {
    this.stagedSeqs.push(seq);
  }

  /** The poll ended with its work in the copy: remember it, forget what the next window cannot re-read. */
  committed(next: ChangeWindow): void {
    for (const [id, version] of this.stagedVersions) this.versions.set(id, version);
    for (const id of this.stagedRemovals) this.versions.delete(id);
    for (const seq of this.stagedSeqs) this.seqs.add(seq);
    this.discard();
    for (const [id, version] of this.versions) if (next.fromUs !== null && version < next.fromUs) this.versions.delete(id);
    for (const seq of this.seqs) if (seq <= next.afterSeq) this.seqs.delete(seq);
    if (this.versions.size + this.seqs.size > maxRemembered) this.forget();
  }

  /** The transaction rolled back (or nothing was written): nothing staged happened. */
  discard(): void {
    this.stagedVersions = [];
    this.stagedRemovals = [];
    this.stagedSeqs = [];
  }

  forget(): void {
    this.versions.clear();
    this.seqs.clear();
    this.discard();
  }
}

function rowId(table: string, key: KeyValues): string {
  return `${table}:${key.join(",")}`;
}
