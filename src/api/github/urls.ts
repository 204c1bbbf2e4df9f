// Absolute URLs for the objects of one response. `api` is the root of the surface the
// request came in on (…/api/v3 or the bare origin), so that a client following `jobs_url`
// or a Link stays on it; `web` is where the forge's pages for a repository live.
import type { RepositoryRecord } from "../../store/index.ts";
import { baseUrl } from "../context.ts";
import type { ApiContext } from "../context.ts";

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

export function surfaceUrls(ctx: ApiContext, request: Request, prefix: string): SurfaceUrls {
  const web = baseUrl(ctx, request);
  return { api: web + prefix, web };
}

export function repositoryUrls(surface: SurfaceUrls, repo: RepositoryRecord): RepositoryUrls {
  const fullName = `${encodeURIComponent(repo.ownerLogin)}/${encodeURIComponent(repo.name)}`;
  return { api: `${surface.api}/repos/${fullName}`, web: `${surface.web}/${fullName}` };
}
