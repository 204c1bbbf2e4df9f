// One error type for the whole service. The HTTP layer turns it into GitHub's error body
// ({message, documentation_url[, errors]}) in one place (api/respond.ts), so every surface
// answers a given failure with the same bytes.

export type ErrorCode =
  | "unauthorized"        // 401: no token, or one that is unknown, expired, revoked or of a suspended user
  | "forbidden"           // 403: a valid token whose scopes do not allow the request
  | "not_found"           // 404: does not exist, or the caller may not know that it exists
  | "method_not_allowed"  // 405
  | "gone"                // 410: existed, and is no more (an expired artifact's archive)
  | "invalid"             // 422: a parameter is malformed or out of range
  | "too_large"           // 414/431: request line or headers over the limits
  | "rate_limited"        // 403: the client's hourly budget is spent (GitHub's primary rate limit)
  | "secondary_rate_limited" // 429: too many requests in a minute, or at once (GitHub's secondary limits)
  | "timeout"             // 503: no answer within the request deadline
  | "unavailable"         // 503: the data is too old to serve, or its file is broken
  | "internal";           // 500: a bug; logged in full, shown as "Internal error"

export interface FieldError {
  resource: string;
  field: string;
  code: "invalid" | "missing" | "custom";
  message: string;
}

const statusOf: Record<ErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  gone: 410,
  invalid: 422,
  too_large: 414,
  rate_limited: 403,
  secondary_rate_limited: 429,
  timeout: 503,
  unavailable: 503,
  internal: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(message);
    this.status = extra.status ?? statusOf[code];
  }

  static notFound(): ApiError {
    return new ApiError("not_found", "Not Found");
  }

  static invalid(resource: string, field: string, message: string): ApiError {
    return new ApiError("invalid", "Validation Failed", {
      errors: [{ resource, field, code: "invalid", message }],
    });
  }
}
