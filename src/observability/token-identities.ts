// Who a request's token belongs to, for the rate limits and the log line. The routes' own
// auth chain decides access; both ask the same once-per-request question (see
// authenticateRequest), so the route's asking costs nothing more.
import { authenticateRequest } from "../auth/access.ts";
import type { Store, TokenHolder } from "../store/index.ts";

/** The holder of the valid token in this request's Authorization header, or null (none, or not valid). */
export function tokenHolder(store: Store, request: Request, now: number): TokenHolder | null {
  try {
    return authenticateRequest(store, request, now);
  } catch {
    return null;
  }
}
