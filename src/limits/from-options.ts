// The limits the serve command's flags ask for (see cli/commands.ts for the flags).
import type { ParsedOptions } from "../cli/args.ts";
import type { LimitsConfig } from "./config.ts";
import { defaultLimits } from "./config.ts";

export function limitsFromOptions(opts: ParsedOptions): LimitsConfig {
  const int = (name: string, fallback: number) => (typeof opts[name] === "number" ? (opts[name] as number) : fallback);
  return {
    tokenRequestsPerHour: int("rate-limit", defaultLimits.tokenRequestsPerHour),
    anonymousRequestsPerHour: int("rate-limit-anonymous", defaultLimits.anonymousRequestsPerHour),
    requestsPerMinute: int("rate-limit-per-minute", defaultLimits.requestsPerMinute),
    concurrentRequests: int("max-concurrent", defaultLimits.concurrentRequests),
    requestTimeoutMs: int("request-timeout", defaultLimits.requestTimeoutMs / 1000) * 1000,
    maxUrlBytes: int("max-url-bytes", defaultLimits.maxUrlBytes),
    maxHeaderBytes: int("max-header-bytes", defaultLimits.maxHeaderBytes),
  };
}
