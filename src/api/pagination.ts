// Page-number pagination as GitHub does it: `page` from 1, `per_page` default 30 and
// silently clamped to 100, and a Link header of absolute URLs that keep every other
// query parameter, so a client can follow `next` without rebuilding the URL.
import { ApiError } from "../errors.ts";
import type { Slice } from "../store/index.ts";

export const defaultPerPage = 30;
export const maxPerPage = 100;
/** Far beyond any listing, and small enough that page × per_page stays an exact integer. */
export const maxPage = 1_000_000_000;

export interface PageRequest extends Slice { page: number; perPage: number }

/** `page` and `per_page` as the route schema let them through: decimal digits, or absent. */
export function pageRequest(query: { page?: string; per_page?: string }, resource: string): PageRequest {
  const page = query.page === undefined ? 1 : Number(query.page);
  const perPage = Math.min(query.per_page === undefined ? defaultPerPage : Number(query.per_page), maxPerPage);
  if (!Number.isSafeInteger(page) || page < 1 || page > maxPage) {
    throw ApiError.invalid(resource, "page", `page must be an integer from 1 to ${maxPage}`);
  }
  if (!Number.isSafeInteger(perPage) || perPage < 1) {
    throw ApiError.invalid(resource, "per_page", `per_page must be an integer from 1 to ${maxPerPage}`);
  }
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage };
}

/** `Link` for this page of `total` items, or null when everything fits on one page. */
export function linkHeader(base: string, requestUrl: URL, req: PageRequest, total: number): string | null {
  const last = Math.max(1, Math.ceil(total / req.perPage));
  if (last === 1 && req.page === 1) return null;
  const at = (page: number) => {
    // Appended, not resolved: a base with a path (a public URL behind a proxy) keeps it.
    const url = new URL(base.replace(/\/+$/, "") + requestUrl.pathname + requestUrl.search);
    url.searchParams.set("page", String(page));
    return url.href;
  };
  const links: string[] = [];
  if (req.page > 1) links.push(`<${at(Math.min(req.page - 1, last))}>; rel="prev"`);
  if (req.page < last) links.push(`<${at(req.page + 1)}>; rel="next"`);
  links.push(`<${at(last)}>; rel="last"`);
  if (req.page > 1) links.push(`<${at(1)}>; rel="first"`);
  return links.join(", ");
}

/**
 * The headers of one page of a listing: `Link` when there is more than one page, built on
 * `base` from the URL the client sent, and with `totalCount` (the forge's surface) `X-Total-Count`.
 */
export function pageHeaders(
  set: { headers: Record<string, unknown> }, base: string, requestUrl: string, req: PageRequest, total: number, totalCount = false,
): void {
  if (totalCount) set.headers["x-total-count"] = String(total);
  const link = linkHeader(base, new URL(requestUrl), req, total);
  if (link) set.headers["link"] = link;
}
