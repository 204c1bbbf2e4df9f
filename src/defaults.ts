// Every default of the service's configuration, in one place: the flag table (commands.ts),
// --help, the README's configuration table (tested against it) and the app read them here.

export const defaults = {
  host: "127.0.0.1",
  port: 8080,
  shutdownGraceSeconds: 10,
  /** `serve --workers` at most (its default is the machine's cores). */
  maxWorkers: 256,
  /**
   * A worker that dies is started again after this long, doubled at each death that follows a
   * short life (up to the longest), so that one that cannot start does not spin.
   */
  workerRestart: { firstDelayMs: 100, longestDelayMs: 10_000, healthyAfterMs: 10_000 },
  /** Past this age (when the data's age is known: a sync), every API answer is a 503. */
  maxStalenessSeconds: 300,
  /**
   * Remembered answers' budget, counted as they lie in memory (src/http/answers.ts). A GitHub
   * runs page of 30 runs is about 360 KB of JSON but is kept gzip-encoded at level 6, about
   * 10 KB; the bench's mixed workload (5,924 URLs over 1,032 repositories: first, second, deep
   * and filtered pages, runs, jobs) takes 50-53 MB counted (93 MB when kept at level 1), so
   * 128 MiB holds it with room for a larger forge's, and a worker stays near 200 MB.
   */
  responseCacheMib: 128,
  get responseCacheBytes(): number {
    return this.responseCacheMib * 1024 * 1024;
  },
  /**
   * The store's lookup caches (tokens, repositories, memberships, listing totals), each bounded
   * in bytes: keys are what requests send. 4 MiB holds some 10,000 tokens or repositories.
   */
  lookupCacheBytes: 4 * 1024 * 1024,
  logLevel: "info",
  logFormat: "auto",
  limits: {
    tokenRequestsPerHour: 5_000,
    anonymousRequestsPerHour: 600,
    requestsPerMinute: 900,
    concurrentRequests: 100,
    requestTimeoutSeconds: 10,
    maxUrlBytes: 8 * 1024,
    maxHeaderBytes: 8 * 1024,
  },
  /** `seed` without sizes, the embedded demo database and the tests' database: one generated forge. */
  seed: { repos: 40, runs: 2000, seed: 1 },
} as const;
