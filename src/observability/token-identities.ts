// Who a request's token belongs to, for the rate limits and the log line. The routes' own
// auth chain decides access; this asks the same store, whose token facts are remembered
// until the data changes, so the second look costs a hash and a map lookup, not a query.
import { authenticate } from "../auth/access.ts";
import type { Store, TokenHolder } from "../store/index.ts";

/** The holder of the valid token in this Authorization header, or null (none, or not valid). */
export function tokenHolder(store: Store, authorization: string | null, now: number): TokenHolder | null {
  try {
    return authenticate(store, authorization, now);
  } catch {
    return null;
  }
}
