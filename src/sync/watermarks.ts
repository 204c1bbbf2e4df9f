// Watermark arithmetic for the change window (the reasoning is at the top of engine.ts).
// A PollMark is what one poll's snapshot proves; the history is the oldest mark still needed
// followed by newer ones, and the next poll's window starts at the history's first mark.

export interface PollMark {
  /** The next transaction id to be assigned, read after the poll's snapshot was taken. */
  nextXid: number;
  /** clock_timestamp() in µs since the epoch, read before the snapshot; null = before anything. */
  clockUs: number | null;
  /** The highest deleted_rows.seq the snapshot saw. */
  seq: number;
}

export interface ChangeWindow {
  /** Re-read rows with updated_at at or after this (µs since the epoch); null = every row. */
  fromUs: number | null;
  /** Re-read deleted_rows with seq above this. */
  afterSeq: number;
}

/** The mark that covers everything: a copy that starts from it re-reads every row and delete. */
export const beforeAnything: PollMark = { nextXid: 0, clockUs: null, seq: 0 };

/** Oldest-first history is thinned to this many marks; dropping a mark only widens later windows. */
export const maxHistory = 64;

export function windowAfter(history: readonly PollMark[], marginUs: number): ChangeWindow {
  const oldest = history[0] ?? beforeAnything;
  return { fromUs: oldest.clockUs === null ? null : oldest.clockUs - marginUs, afterSeq: oldest.seq };
}

/**
 * The history after a poll whose snapshot had this xmin: append the poll's mark, then drop
 * every mark older than the latest one with nextXid ≤ xmin. Transactions that poll could not
 * see have ids ≥ xmin, so they got them after that mark was read, and it bounds their rows.
 */
export function advance(history: readonly PollMark[], mark: PollMark, xmin: number): PollMark[] {
  const all = [...history, mark];
  let start = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    if (all[i]!.nextXid <= xmin) {
      start = i;
      break;
    }
  }
  return thin(all.slice(start));
}

/** Keep the first and the newest marks and every other one between: windows only get wider. */
function thin(history: PollMark[]): PollMark[] {
  if (history.length <= maxHistory) return history;
  const middle = history.slice(1, -1).filter((_, i) => i % 2 === 1);
  return [history[0]!, ...middle, history[history.length - 1]!];
}

/** µs since the epoch as timestamptz text, exact to the µs (a Date alone keeps only ms). */
export function timestamptzText(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, -1)}${String(us - ms * 1000).padStart(3, "0")}Z`;
}
