// GitHub's `full-repository` from the forge's record: the minimal repository's fields, and
// for everything the forge does not hold (stars, forks, issues, a licence, a language) null
// where GitHub's schema allows it and GitHub's value for an empty repository where it does not.
import { permissionFlags } from "../../../auth/permissions.ts";
import type { Permission } from "../../../auth/permissions.ts";
import { isoSeconds } from "../../time.ts";
import type { RepositoryView } from "./repository.ts";

export function fullRepository(view: RepositoryView, permission: Permission) {
  const { minimal, record } = view;
  const web = view.urls.web;
  const host = new URL(web).host;
  return {
    ...minimal,
    clone_url: `${web}.git`,
    git_url: `git://${host}/${minimal.full_name}.git`,
    ssh_url: `git@${host}:${minimal.full_name}.git`,
    svn_url: web,
    mirror_url: null,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    open_issues: 0,
    open_issues_count: 0,
    is_template: false,
    topics: [],
    has_issues: false,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    has_downloads: false,
    archived: false,
    disabled: false,
    license: null,
    // The forge records no pushes; its last change to the repository stands in.
    pushed_at: isoSeconds(record.updatedAt)!,
    permissions: permissionFlags(permission),
    allow_forking: false,
    web_commit_signoff_required: false,
    network_count: 0,
    subscribers_count: 0,
    ...(record.ownerType === "Organization" && { organization: minimal.owner }),
  };
}
