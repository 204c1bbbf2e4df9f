// Schemas shared by both API surfaces.
import { t } from "elysia";
import type { TUnsafe } from "@sinclair/typebox";

export const ErrorBody = t.Object({
  message: t.String(),
  documentation_url: t.String(),
  errors: t.Optional(t.Array(t.Object({
    resource: t.String(), field: t.String(), code: t.String(), message: t.String(),
  }))),
}, { title: "Error" });

export const RepoParams = t.Object({
  owner: t.String({ description: "Account that owns the repository (case-insensitive)" }),
  repo: t.String({ description: "Repository name (case-insensitive)" }),
});

// Ids stay strings in the route schema: a non-numeric id names no resource, so it gets
// the 404 of a missing one (as on GitHub) rather than a 422.
export const RunParams = t.Object({ ...RepoParams.properties, run_id: t.String({ description: "Run id (numeric)" }) });

/**
 * A number in a query, as GitHub reads one: ASCII decimal digits only. Not t.Integer, which
 * coerces with Number(): `0x10` is 16, `1e2` 100 and ` 5` 5 there (stack-notes P3).
 */
export const decimalPattern = "^[0-9]+$";
export function decimal(description: string) {
  return t.String({ pattern: decimalPattern, description, examples: ["1"] });
}

export const PageQuery = {
  page: t.Optional(decimal("Page number, from 1 (default 1)")),
  per_page: t.Optional(decimal("Results per page; default 30, values over 100 count as 100")),
};

export const forgeStatuses = ["queued", "waiting", "running", "completed"] as const;
export const runConclusions = [
  "success", "failure", "cancelled", "skipped", "timed_out", "neutral", "action_required", "startup_failure", "stale",
] as const;

/**
 * One of these strings. Not t.UnionEnum: Elysia fills an absent optional UnionEnum query
 * parameter with its first member, which would silently filter every listing.
 */
export function oneOf<const T extends string>(values: readonly T[], description?: string): TUnsafe<T> {
  // TypeBox infers nothing from a union built from an array, so state the static type.
  return t.Union(values.map((v) => t.Literal(v)), { description }) as unknown as TUnsafe<T>;
}

/**
 * The resource a route lists or shows, by GitHub's name for it, as its 422 bodies name it:
 * the last literal segment of the route (…/runs/:run_id/jobs lists jobs).
 */
export function routeResource(route: string): string {
  const last = route.split("/").filter((s) => s !== "" && !s.startsWith(":")).at(-1) ?? "";
  return resourceBySegment[last] ?? "WorkflowRun";
}
const resourceBySegment: Record<string, string> = { jobs: "WorkflowJob", workflows: "Workflow", artifacts: "Artifact" };

export const authResponses = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };

/**
 * A numeric id from a path segment, or null when it cannot name anything that exists: only
 * the id as written (`369`), never another spelling of it (`0369`, `0x171`, `369.0`).
 */
export function parseId(raw: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
