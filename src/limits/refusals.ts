// The answers a client gets when a limit turns it away, worded as GitHub words them so that
// clients which recognise GitHub's rate limiting (octokit's throttling, gh) back off.
import { ApiError } from "../errors.ts";
import type { Refusal } from "./ledger.ts";

export type Client = { userId: number } | { addressKey: string };

export function refusalError(refusal: Refusal, client: Client, requestId: string, retryAfterSeconds: number): ApiError {
  if (refusal === "hourly") {
    const message = "userId" in client
      ? `API rate limit exceeded for user ID ${client.userId}.`
      : `API rate limit exceeded for ${client.addressKey}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`;
    return new ApiError("rate_limited", message);
  }
  const retry = { "retry-after": String(Math.max(1, retryAfterSeconds)) };
  if (refusal === "burst") {
    return new ApiError("secondary_rate_limited",
      `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out for help, please include the request ID ${requestId}.`,
      { headers: retry });
  }
  return new ApiError("secondary_rate_limited",
    "You have exceeded a secondary rate limit: too many concurrent requests. Wait for the ones in progress to finish before you try again.",
    { headers: retry });
}

export function timeoutError(timeoutMs: number): ApiError {
  return new ApiError("timeout", `Request timed out: no answer within ${timeoutMs / 1000} seconds`, { headers: { "retry-after": "1" } });
}
