// Every error leaves the service here, as GitHub's JSON body with the right status. Elysia's
// own failures (validation, unknown route, parse) are translated; anything unexpected is
// logged in full and shown to the client as a bare "Internal error", never a stack trace.
import { Elysia } from "elysia";
import { decimalPattern } from "../api/model.ts";
import { contextOf } from "../api/request-context.ts";
import type { RequestContext } from "../api/request-context.ts";
import { ApiError } from "../errors.ts";
import type { ErrorCode, FieldError } from "../errors.ts";
import { handedOver } from "./route-headers.ts";
import { routeResource } from "../api/model.ts";

const documentation: Record<ErrorCode, string> = {
  unauthorized: "https://docs.github.com/rest/overview/authenticating-to-the-rest-api",
  forbidden: "https://docs.github.com/rest/overview/permissions-required-for-personal-access-tokens",
  not_found: "https://docs.github.com/rest",
  method_not_allowed: "https://docs.github.com/rest",
  gone: "https://docs.github.com/rest/actions/artifacts#download-an-artifact",
  invalid: "https://docs.github.com/rest/actions/workflow-runs",
  too_large: "https://docs.github.com/rest",
  rate_limited: "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
  secondary_rate_limited: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
  timeout: "https://docs.github.com/rest",
  unavailable: "https://docs.github.com/rest",
  internal: "https://docs.github.com/rest",
};

export const jsonType = "application/json; charset=utf-8";

export function errorResponse(err: ApiError, extraHeaders?: Record<string, string>): Response {
  const body: Record<string, unknown> = { message: err.message, documentation_url: documentation[err.code] };
  if (err.extra.errors) body.errors = err.extra.errors;
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { ...extraHeaders, ...err.extra.headers, "content-type": jsonType },
  });
}

interface ValidationIssue { path?: string; message?: string; value?: unknown; schema?: Record<string, unknown> }

/** What a TypeBox schema accepts, in words a client can act on. */
function describe(schema: Record<string, unknown> | undefined): string {
  if (!schema) return "a valid value";
  const anyOf = schema.anyOf as Record<string, unknown>[] | undefined;
  if (anyOf?.every((s) => "const" in s)) return "one of: " + anyOf.map((s) => String(s.const)).join(", ");
  if (anyOf) {
    const numeric = anyOf.find((s) => s.type === "integer" || s.type === "number");
    if (numeric) return numeric.type === "integer" ? "an integer" : "a number";
  }
  if (schema.type === "integer" || (schema.type === "string" && schema.pattern === decimalPattern)) return "an integer";
  if (schema.type === "number") return "a number";
  if (schema.type === "boolean") return "true or false";
  return "a valid value";
}

export function validationError(issues: ValidationIssue[], resource: string): ApiError {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const field = (issue.path ?? "").replace(/^\//, "").split("/")[0] || "request";
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ resource, field, code: "invalid", message: `${field} must be ${describe(issue.schema)}` });
  }
  return new ApiError("invalid", "Validation Failed", { errors });
}

export interface ErrorHandlingOptions {
  /** Methods served at a path the router knows, so that another method gets 405 rather than 404. */
  allowedMethods(pathname: string): string[] | null;
  logError(error: unknown, ctx: RequestContext): void;
}

export function errorHandling(opts: ErrorHandlingOptions) {
  return new Elysia({ name: "error-handling" }).onError({ as: "global" }, ({ code, error, request, route, set }) => {
    // The answer carries the route's headers and its own status: with neither left on `set`,
    // Elysia sends it as it is (route-headers.ts).
    const headers = handedOver(set, {});
    set.status = 200;
    if (error instanceof ApiError) return errorResponse(error, headers);
    if (code === "VALIDATION") {
      const issues = (error as unknown as { all?: ValidationIssue[] }).all ?? [];
      return errorResponse(validationError(issues, routeResource(route)), headers);
    }
    if (code === "NOT_FOUND") {
      const allowed = opts.allowedMethods(new URL(request.url).pathname);
      if (allowed && !allowed.includes(request.method)) {
        return errorResponse(new ApiError("method_not_allowed", "Method Not Allowed"), { ...headers, allow: allowed.join(", ") });
      }
      return errorResponse(ApiError.notFound(), headers);
    }
    if (code === "PARSE") return errorResponse(new ApiError("invalid", "Problems parsing request", { status: 400 }), headers);
    opts.logError(error, contextOf(request));
    return errorResponse(new ApiError("internal", "Internal error"), headers);
  });
}
