// What one replica allows one client: the hourly budget and headers are GitHub's; the
// per-minute burst cap, the concurrency cap, the deadline and the size caps protect the
// process itself. A value of 0 turns that limit off.
import { defaults } from "../defaults.ts";

export interface LimitsConfig {
  /** Requests a token may make per hour (x-ratelimit-limit). */
  tokenRequestsPerHour: number;
  /** Requests a client address without a valid token may make per hour. */
  anonymousRequestsPerHour: number;
  /** Requests one client may make within one minute, however much of its hour is left. */
  requestsPerMinute: number;
  /** Requests of one client being worked on at once. */
  concurrentRequests: number;
  /** Time the service gives itself to produce a response. */
  requestTimeoutMs: number;
  /** Length of the request target (path and query). */
  maxUrlBytes: number;
  /** Total size of the request's header lines. */
  maxHeaderBytes: number;
}

const { requestTimeoutSeconds, ...sameUnits } = defaults.limits;
export const defaultLimits: LimitsConfig = { ...sameUnits, requestTimeoutMs: requestTimeoutSeconds * 1000 };
