// Absolute URLs for the objects of one response. `api` is the root of the surface the
// request came in on (…/api/v3 or the bare origin), so that a client following `jobs_url`
// or a Link stays on it; `web` is where the forge's pages for a repository live.
import type { RepositoryRecord } from "../../store/index.ts";
import type { RequestContext } from "../request-context.ts";
import { baseUrl } from "../settings.ts";
import type { ApiSettings } from "../settings.ts";

export interface SurfaceUrls {
  api: string;
  web: string;
}

export interface RepositoryUrls {
  /** `{api}/repos/{owner}/{repo}` */
  api: string;
  /** `{web}/{owner}/{repo}` */
  web: string;
}

export function surfaceUrls(settings: ApiSettings, ctx: RequestContext, prefix: string): SurfaceUrls {
  const web = baseUrl(settings, ctx);
  return { api: web + prefix, web };
}

export function repositoryUrls(surface: SurfaceUrls, repo: RepositoryRecord): RepositoryUrls {
  const fullName = `${encodeURIComponent(repo.ownerLogin)}/${encodeURIComponent(repo.name)}`;
  return { api: `${surface.api}/repos/${fullName}`, web: `${surface.web}/${fullName}` };
}
