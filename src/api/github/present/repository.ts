// GitHub's `minimal-repository` from the forge's repository record. The forge has no
// descriptions and no forks, so `description` is null and `fork` false.
import type { RepositoryRecord } from "../../../store/index.ts";
import { isoSeconds } from "../../time.ts";
import { nodeId } from "../node-id.ts";
import { repositoryUrls } from "../urls.ts";
import type { RepositoryUrls, SurfaceUrls } from "../urls.ts";
import { simpleUser } from "./account.ts";
import { Repeated } from "../../serialized-json.ts";
import { keptPerSurface } from "./kept.ts";

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

/** What every object of one repository's response is presented with, made once per request. */
export class RepositoryView {
  readonly urls: RepositoryUrls;
  private built: MinimalRepository | undefined;

  constructor(readonly record: RepositoryRecord, readonly surface: SurfaceUrls) {
    this.urls = repositoryUrls(surface, record);
  }

  /** The minimal repository, built when first asked for: a run's text takes it already serialized (`repositoryJson`). */
  get minimal(): MinimalRepository {
    return (this.built ??= minimalRepository(this.record, this.surface, this.urls));
  }
}

export function repositoryView(repo: RepositoryRecord, surface: SurfaceUrls): RepositoryView {
  return new RepositoryView(repo, surface);
}

/**
 * The minimal repository as JSON, kept per repository record and surface, as a composite
 * Repeated (src/api/serialized-json.ts): an answer writes its first copy with the
 * repository's URL as a Repeated of its own (it begins forty-odd of the fields), every later
 * copy whole; kept per repository record (kept.ts): a new record, new text. 4.5 KB a
 * repository, held once (each run has it twice: repository and head_repository, three
 * quarters of its text).
 */
const kept = keptPerSurface((record: RepositoryRecord, surface: SurfaceUrls) => {
  const view = new RepositoryView(record, surface);
  // Its first copy in an answer with its URL (forty-odd times in it) as a Repeated.
  return Repeated.around(JSON.stringify(view.minimal), new Repeated(JSON.stringify(view.urls.api).slice(1, -1)));
});

export function repositoryJson(view: RepositoryView): Repeated {
  return kept(view.record, view.surface);
}
