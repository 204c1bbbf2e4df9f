// GET /rate_limit: the caller's hourly budget as the pipeline keeps it. Asking is not
// charged (the pipeline lets it through uncounted), as on GitHub; without an hourly limit
// the answer is GitHub Enterprise's 404 "Rate limiting is not enabled."
import { Elysia } from "elysia";
import { tokenFromAuthorization } from "../../auth/tokens.ts";
import { ApiError } from "../../errors.ts";
import { contextOf } from "../request-context.ts";
import type { ApiSettings } from "../settings.ts";
import { ErrorBody } from "../model.ts";
import { routeDoc } from "./docs.ts";

export function rateLimitRoutes(settings: ApiSettings, prefix: string) {
  return new Elysia()
    .get("/rate_limit", ({ request, set }) => {
      const ctx = contextOf(request);
      const anonymous = tokenFromAuthorization(request.headers.get("authorization")) === null;
      const holder = anonymous ? null : ctx.holder();
      const budget = settings.budgetOf?.(ctx, holder) ?? null;
      if (budget === null) throw new ApiError("not_found", "Rate limiting is not enabled.");
      const core = { ...budget, resource: "core" };
      set.headers["x-ratelimit-limit"] = String(budget.limit);
      set.headers["x-ratelimit-remaining"] = String(budget.remaining);
      set.headers["x-ratelimit-used"] = String(budget.used);
      set.headers["x-ratelimit-reset"] = String(budget.reset);
      set.headers["x-ratelimit-resource"] = "core";
      // Every request, GraphQL's included, is charged to the one hourly budget: `core`. This
      // service has no search, so `search` (which GitHub's schema requires) has none to spend.
      return {
        resources: { core, search: { limit: 0, used: 0, remaining: 0, reset: budget.reset, resource: "search" } },
        rate: core,
      };
    }, {
      response: { 401: ErrorBody, 404: ErrorBody },
      detail: routeDoc(prefix, "Get rate limit status for the authenticated user", "Not counted against the budget it reports."),
    });
}
