// GitHub's `minimal-repository` from the forge's repository record. The forge has no
// descriptions and no forks, so `description` is null and `fork` false.
import type { RepositoryRecord } from "../../../store/index.ts";
import { isoSeconds } from "../../time.ts";
import { nodeId } from "../node-id.ts";
import { repositoryUrls } from "../urls.ts";
import type { RepositoryUrls, SurfaceUrls } from "../urls.ts";
import { simpleUser } from "./account.ts";

export function minimalRepository(repo: RepositoryRecord, surface: SurfaceUrls, urls: RepositoryUrls) {
  const r = urls.api;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: `${repo.ownerLogin}/${repo.name}`,
    owner: simpleUser({ id: repo.ownerId, login: repo.ownerLogin, type: repo.ownerType, siteAdmin: repo.ownerSiteAdmin }, surface),
    private: repo.visibility !== "public",
    html_url: urls.web,
    description: null,
    fork: false,
    url: r,
    archive_url: `${r}/{archive_format}{/ref}`,
    assignees_url: `${r}/assignees{/user}`,
    blobs_url: `${r}/git/blobs{/sha}`,
    branches_url: `${r}/branches{/branch}`,
    collaborators_url: `${r}/collaborators{/collaborator}`,
    comments_url: `${r}/comments{/number}`,
    commits_url: `${r}/commits{/sha}`,
    compare_url: `${r}/compare/{base}...{head}`,
    contents_url: `${r}/contents/{+path}`,
    contributors_url: `${r}/contributors`,
    deployments_url: `${r}/deployments`,
    downloads_url: `${r}/downloads`,
    events_url: `${r}/events`,
    forks_url: `${r}/forks`,
    git_commits_url: `${r}/git/commits{/sha}`,
    git_refs_url: `${r}/git/refs{/sha}`,
    git_tags_url: `${r}/git/tags{/sha}`,
    hooks_url: `${r}/hooks`,
    issue_comment_url: `${r}/issues/comments{/number}`,
    issue_events_url: `${r}/issues/events{/number}`,
    issues_url: `${r}/issues{/number}`,
    keys_url: `${r}/keys{/key_id}`,
    labels_url: `${r}/labels{/name}`,
    languages_url: `${r}/languages`,
    merges_url: `${r}/merges`,
    milestones_url: `${r}/milestones{/number}`,
    notifications_url: `${r}/notifications{?since,all,participating}`,
    pulls_url: `${r}/pulls{/number}`,
    releases_url: `${r}/releases{/id}`,
    stargazers_url: `${r}/stargazers`,
    statuses_url: `${r}/statuses/{sha}`,
    subscribers_url: `${r}/subscribers`,
    subscription_url: `${r}/subscription`,
    tags_url: `${r}/tags`,
    teams_url: `${r}/teams`,
    trees_url: `${r}/git/trees{/sha}`,
    visibility: repo.visibility,
    default_branch: repo.defaultBranch,
    created_at: isoSeconds(repo.createdAt),
    updated_at: isoSeconds(repo.updatedAt),
  };
}

export type MinimalRepository = ReturnType<typeof minimalRepository>;

/** What every object of one repository's response is presented with. */
export interface RepositoryView {
  record: RepositoryRecord;
  surface: SurfaceUrls;
  urls: RepositoryUrls;
  minimal: MinimalRepository;
  /** How a run of this repository ends, as UTF-8: its repository twice (see runEnding). */
  runEnding?: Uint8Array;
}

/**
 * Views kept per repository record and surface. The store keeps one record object per
 * repository for as long as nothing the auth chain reads was written (versioned-cache.ts),
 * so a view lives exactly as long as the facts it was made of: a new record, a new view.
 */
const views = new WeakMap<RepositoryRecord, Map<string, RepositoryView>>();
/** Surfaces a record keeps views for (hosts and prefixes a request can name, behind --trust-proxy). */
const surfacesPerRecord = 8;

export function repositoryView(repo: RepositoryRecord, surface: SurfaceUrls): RepositoryView {
  const key = `${surface.api}\n${surface.origin}\n${surface.html}`;
  let bySurface = views.get(repo);
  if (bySurface === undefined) views.set(repo, (bySurface = new Map()));
  let view = bySurface.get(key);
  if (view === undefined) {
    const urls = repositoryUrls(surface, repo);
    view = { record: repo, surface, urls, minimal: minimalRepository(repo, surface, urls) };
    if (bySurface.size >= surfacesPerRecord) bySurface.clear();
    bySurface.set(key, view);
  }
  return view;
}

const utf8 = new TextEncoder();

/**
 * The end of every run of this repository as GitHub writes it — `repository`,
 * `head_repository` (the minimal repository, twice: three quarters of a run's text) and
 * `head_repository_id` — serialized and encoded once per view.
 */
export function runEnding(view: RepositoryView): Uint8Array {
  if (view.runEnding === undefined) {
    const repository = JSON.stringify(view.minimal);
    view.runEnding = utf8.encode(`,"repository":${repository},"head_repository":${repository},"head_repository_id":${view.record.id}}`);
  }
  return view.runEnding;
}
