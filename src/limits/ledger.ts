// Per-client accounting, in memory (limits are per replica): an hourly window that starts
// with the client's first request, as GitHub's does, a one-minute window for bursts, and
// the number of its requests in progress. A request is charged when admitted; the hour's
// charge is refunded only for a 304 that cost nothing to give (a remembered answer whose tag
// the client named, as `gh run watch` polls), which GitHub does not count either. The minute's
// cap counts every request, refunded or not: it is what bounds the work one client can cause.

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export interface Ledger {
  hourEndsAt: number;
  hourUsed: number;
  minuteEndsAt: number;
  minuteUsed: number;
  inFlight: number;
}

/** Why a request was turned away: its hour's budget, its minute's, or its requests in progress. */
export type Refusal = "hourly" | "burst" | "concurrency";

export interface LedgerLimits {
  perHour: number;
  perMinute: number;
  concurrent: number;
}

export class Ledgers<K> {
  private readonly byClient = new Map<K, Ledger>();
  private nextSweepAt = 0;

  constructor(readonly limits: LedgerLimits) {}

  get size(): number {
    return this.byClient.size;
  }

  ledger(key: K, now: number): Ledger {
    if (now >= this.nextSweepAt) this.sweep(now);
    let ledger = this.byClient.get(key);
    if (ledger === undefined) {
      ledger = { hourEndsAt: now + HOUR_MS, hourUsed: 0, minuteEndsAt: now + MINUTE_MS, minuteUsed: 0, inFlight: 0 };
      this.byClient.set(key, ledger);
    }
    return ledger;
  }

  /** This client's ledger if it has one, without opening a window for it. */
  peek(key: K): Ledger | undefined {
    return this.byClient.get(key);
  }

  /** Charge one request to this ledger (null), or say why not. */
  admit(ledger: Ledger, now: number): Refusal | null {
    const { perHour, perMinute, concurrent } = this.limits;
    if (now >= ledger.hourEndsAt) {
      ledger.hourEndsAt = now + HOUR_MS;
      ledger.hourUsed = 0;
    }
    if (now >= ledger.minuteEndsAt) {
      ledger.minuteEndsAt = now + MINUTE_MS;
      ledger.minuteUsed = 0;
    }
    if (perHour > 0 && ledger.hourUsed >= perHour) return "hourly";
    if (perMinute > 0 && ledger.minuteUsed >= perMinute) return "burst";
    if (concurrent > 0 && ledger.inFlight >= concurrent) return "concurrency";
    ledger.hourUsed++;
    ledger.minuteUsed++;
    ledger.inFlight++;
    return null;
  }

  /**
   * The admitted request has its answer; `chargedToHourEndingAt` is the window it was charged
   * to, and `free` says the answer cost nothing (a 304 from memory): its hour's charge is refunded.
   */
  settle(ledger: Ledger, free: boolean, chargedToHourEndingAt: number): void {
    ledger.inFlight--;
    if (free && ledger.hourEndsAt === chargedToHourEndingAt) ledger.hourUsed--;
  }

  /** Forget clients whose windows have all ended and that have nothing in progress. */
  private sweep(now: number): void {
    this.nextSweepAt = now + MINUTE_MS;
    for (const [key, ledger] of this.byClient) {
      if (ledger.inFlight === 0 && now >= ledger.hourEndsAt) this.byClient.delete(key);
    }
  }
}
