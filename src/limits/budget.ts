// A client's hourly budget as GET /rate_limit reports it: read from the ledger the pipeline
// keeps, never charged (asking how much is left costs nothing, as on GitHub).

export interface RateBudget {
  limit: number;
  used: number;
  remaining: number;
  /** When the window ends, in Unix seconds. */
  reset: number;
}
