// System tools some tests need (gh, chromium, PostgreSQL). Missing, such a test says so and
// skips — except under CI=true, where a missing tool is a failure.

/** The first of these commands found on PATH, or null (and a note) when none is. */
export function requireTool(label: string, names: string[]): string | null {
  for (const name of names) {
    const path = Bun.which(name);
    if (path) return path;
  }
  if (process.env.CI === "true") throw new Error(`${label} is required under CI=true but none of ${names.join(", ")} is on PATH`);
  console.warn(`skipping ${label} tests: none of ${names.join(", ")} is installed`);
  return null;
}

/** Polls `probe` until it gives a value (a throw counts as none yet); fails after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}
