// A client's hourly budget as GET /rate_limit reports it: read from the ledger the front door
// keeps, never charged (asking how much is left costs nothing, as on GitHub).
import type { TokenHolder } from "../store/index.ts";

export interface RateBudget {
  limit: number;
  used: number;
  remaining: number;
  /** When the window ends, in Unix seconds. */
  reset: number;
}

/** The budget of a token's holder (or, for null, of the request's client address); null when there is no hourly limit. */
export type BudgetOf = (holder: TokenHolder | null, request: Request) => RateBudget | null;
