// Absolute URLs for the objects of one response. `api` is the root of the surface the
// request came in on (…/api/v3 or the bare origin), so that a client following `jobs_url`
// or a Link stays on it; `origin` is the service's own base (Links add the path to it);
// `html` is where the forge's web pages live (--web-url), for every html_url.
import type { RepositoryRecord } from "../../store/index.ts";
import type { RequestContext } from "../request-context.ts";
import { baseUrl } from "../settings.ts";
import type { ApiSettings } from "../settings.ts";

export interface SurfaceUrls {
  api: string;
  origin: string;
  html: string;
}

export interface RepositoryUrls {
  /** `{api}/repos/{owner}/{repo}` */
  api: string;
  /** `{html}/{owner}/{repo}`: the repository's page on the forge */
  web: string;
}

export function surfaceUrls(settings: ApiSettings, ctx: RequestContext, prefix: string): SurfaceUrls {
  const origin = baseUrl(settings, ctx);
  return { api: origin + prefix, origin, html: settings.webUrl ?? origin };
}

export function repositoryUrls(surface: SurfaceUrls, repo: RepositoryRecord): RepositoryUrls {
  const fullName = `${encodeURIComponent(repo.ownerLogin)}/${encodeURIComponent(repo.name)}`;
  return { api: `${surface.api}/repos/${fullName}`, web: `${surface.html}/${fullName}` };
}
