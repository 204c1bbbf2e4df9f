// How long to wait before retrying a source that failed: quick at first (a restart takes
// seconds), capped so that a copy catches up soon after the source is back.

/** 250 ms doubling to 5 s, ±20% so that many followers do not retry in step. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000, 250 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Resolves after `ms`, or at once when `wake` aborts. */
export function sleep(ms: number, wake: AbortSignal): Promise<void> {
  if (wake.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake.removeEventListener("abort", done);
      resolve();
    }
    wake.addEventListener("abort", done, { once: true });
  });
}
