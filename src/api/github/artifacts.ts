// Artifacts: a run's, a repository's (optionally by name), and one by id. Their records only:
// the archives themselves are not held here, so a download answers GitHub's 410 for an
// expired artifact and, for the rest, a 404 that says where the archives are not.
import { Elysia, t } from "elysia";
import type { Access } from "../../auth/access.ts";
import { ApiError } from "../../errors.ts";
import type { ArtifactRecord } from "../../store/artifacts.ts";
import type { Store } from "../../store/index.ts";
import { findRun } from "../lookup.ts";
import { PageQuery, RepoParams, authResponses, parseId } from "../model.ts";
import { pageHeaders, pageRequest } from "../pagination.ts";
import { repositoryAccess } from "../repository-access.ts";
import type { ApiSettings } from "../settings.ts";
import { routeDoc } from "./docs.ts";
import { PageOnlyQuery, RunParams } from "./model.ts";
import { artifact, isExpired } from "./present/artifact.ts";
import { repositoryView } from "./present/repository.ts";
import { surfaceUrls } from "./urls.ts";

const ArtifactParams = t.Object({ ...RepoParams.properties, artifact_id: t.String() });
const ArchiveParams = t.Object({ ...ArtifactParams.properties, archive_format: t.String() });
const ArtifactsQuery = t.Object({
  name: t.Optional(t.String({ description: "Only the artifacts with exactly this name" })),
  ...PageQuery,
});

function findArtifact(store: Store, access: Access, rawId: string): ArtifactRecord {
  const id = parseId(rawId);
  const found = id === null ? null : store.getArtifact(access.repo.id, id);
  if (!found) throw ApiError.notFound();
  return found;
}

const runOf = (a: ArtifactRecord) => ({ id: a.runId, headRef: a.headRef, headSha: a.headSha });

export function artifactRoutes(settings: ApiSettings, prefix: string) {
  return new Elysia()
    .use(repositoryAccess)
    .get("/repos/:owner/:repo/actions/runs/:run_id/artifacts", ({ access, ctx, params, query, set }) => {
      const run = findRun(ctx, access.repo.id, params.run_id);
      const page = pageRequest(query, "Artifact");
      const { artifacts, total } = ctx.store.listArtifacts(run.id, page);
      const surface = surfaceUrls(settings, ctx, prefix);
      // gh passes artifact `next` links straight to its HTTP client: they must be absolute (they are).
      pageHeaders(set, surface.origin, ctx.url, page, total);
      const view = repositoryView(access.repo, surface);
      // `expired` turns true with the clock alone.
      for (const a of artifacts) if (a.expiresAt !== null && a.expiresAt > ctx.now) ctx.trueUntil = Math.min(ctx.trueUntil, a.expiresAt);
      return { total_count: total, artifacts: artifacts.map((a) => artifact(a, run, view, ctx.now)) };
    }, {
      repoAccess: "repo:read",
      params: RunParams,
      query: PageOnlyQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List workflow run artifacts"),
    })
    .get("/repos/:owner/:repo/actions/artifacts", ({ access, ctx, query, set }) => {
      const page = pageRequest(query, "Artifact");
      const name = query.name === undefined || query.name === "" ? undefined : query.name;
      const { artifacts, total } = ctx.store.listRepositoryArtifacts(access.repo.id, name, page);
      const surface = surfaceUrls(settings, ctx, prefix);
      pageHeaders(set, surface.origin, ctx.url, page, total);
      const view = repositoryView(access.repo, surface);
      return { total_count: total, artifacts: artifacts.map((a) => artifact(a, runOf(a), view, ctx.now)) };
    }, {
      repoAccess: "repo:read",
      params: RepoParams,
      query: ArtifactsQuery,
      response: authResponses,
      detail: routeDoc(prefix, "List artifacts for a repository", "Newest run first; `name` keeps only the artifacts with that name."),
    })
    .get("/repos/:owner/:repo/actions/artifacts/:artifact_id", ({ access, ctx, params }) => {
      const found = findArtifact(ctx.store, access, params.artifact_id);
      return artifact(found, runOf(found), repositoryView(access.repo, surfaceUrls(settings, ctx, prefix)), ctx.now);
    }, {
      repoAccess: "repo:read",
      params: ArtifactParams,
      response: authResponses,
      detail: routeDoc(prefix, "Get an artifact", "An artifact of another repository is a 404."),
    })
    .get("/repos/:owner/:repo/actions/artifacts/:artifact_id/:archive_format", ({ access, ctx, params }) => {
      const found = findArtifact(ctx.store, access, params.artifact_id);
      if (params.archive_format !== "zip") throw ApiError.notFound();
      if (isExpired(found, ctx.now)) throw new ApiError("gone", "Artifact has expired");
      throw new ApiError("not_found", "Artifact archives are not held by this service: it serves their records only.");
    }, {
      repoAccess: "repo:read",
      params: ArchiveParams,
      response: { ...authResponses, 410: authResponses[404] },
      detail: routeDoc(prefix, "Download an artifact", "410 for an expired artifact; otherwise 404: archives are not held by this service."),
    });
}
