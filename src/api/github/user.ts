// What a client asks of a host before anything else: the API root (gh checks an enterprise
// host's token with GET /api/v3/), and GET /user, the token's holder. Neither names a
// repository, so neither needs a repository scope: any valid token may ask who it is.
import { Elysia } from "elysia";
import { tokenFromAuthorization } from "../../auth/tokens.ts";
import { ApiError } from "../../errors.ts";
import { contextOf } from "../request-context.ts";
import type { ApiSettings } from "../settings.ts";
import { ErrorBody } from "../model.ts";
import { routeDoc } from "./docs.ts";
import { privateUser, publicUser } from "./present/user.ts";
import { surfaceUrls } from "./urls.ts";

/** GitHub's `root`: the URL templates of the API, on this host. */
function apiRoot(api: string, html: string) {
  return {
    current_user_url: `${api}/user`,
    current_user_authorizations_html_url: `${html}/settings/connections/applications{/client_id}`,
    authorizations_url: `${api}/authorizations`,
    code_search_url: `${api}/search/code?q={query}{&page,per_page,sort,order}`,
    commit_search_url: `${api}/search/commits?q={query}{&page,per_page,sort,order}`,
    emails_url: `${api}/user/emails`,
    emojis_url: `${api}/emojis`,
    events_url: `${api}/events`,
    feeds_url: `${api}/feeds`,
    followers_url: `${api}/user/followers`,
    following_url: `${api}/user/following{/target}`,
    gists_url: `${api}/gists{/gist_id}`,
    hub_url: `${api}/hub`,
    issue_search_url: `${api}/search/issues?q={query}{&page,per_page,sort,order}`,
    issues_url: `${api}/issues`,
    keys_url: `${api}/user/keys`,
    label_search_url: `${api}/search/labels?q={query}&repository_id={repository_id}{&page,per_page}`,
    notifications_url: `${api}/notifications`,
    organization_url: `${api}/orgs/{org}`,
    organization_repositories_url: `${api}/orgs/{org}/repos{?type,page,per_page,sort}`,
    organization_teams_url: `${api}/orgs/{org}/teams`,
    public_gists_url: `${api}/gists/public`,
    rate_limit_url: `${api}/rate_limit`,
    repository_url: `${api}/repos/{owner}/{repo}`,
    repository_search_url: `${api}/search/repositories?q={query}{&page,per_page,sort,order}`,
    current_user_repositories_url: `${api}/user/repos{?type,page,per_page,sort}`,
    starred_url: `${api}/user/starred{/owner}{/repo}`,
    starred_gists_url: `${api}/gists/starred`,
    topic_search_url: `${api}/search/topics?q={query}{&page,per_page}`,
    user_url: `${api}/users/{user}`,
    user_organizations_url: `${api}/user/orgs`,
    user_repositories_url: `${api}/users/{user}/repos{?type,page,per_page,sort}`,
    user_search_url: `${api}/search/users?q={query}{&page,per_page,sort,order}`,
  };
}

export function userRoutes(settings: ApiSettings, prefix: string) {
  return new Elysia()
    // Anyone may read the root, as on GitHub; a token that is sent must be valid, since this
    // is where gh checks it. No X-OAuth-Scopes: the forge's scope names are not GitHub's, and
    // gh judges a token whose answer has none (as a fine-grained token's) by whether it works.
    .get("/", ({ request }) => {
      const ctx = contextOf(request);
      if (tokenFromAuthorization(request.headers.get("authorization")) !== null) ctx.holder();
      const surface = surfaceUrls(settings, ctx, prefix);
      return apiRoot(surface.api, surface.html);
    }, {
      response: { 401: ErrorBody },
      detail: routeDoc(prefix, "GitHub API root", "The API's URL templates. A token sent here must be valid (401 otherwise): `gh auth login` and `gh auth status` check it here."),
    })
    .get("/user", ({ request }) => {
      const ctx = contextOf(request);
      const holder = ctx.holder();
      const account = ctx.store.findAccount(holder.userId);
      if (!account) throw new ApiError("unauthorized", "Bad credentials");
      return privateUser(account, surfaceUrls(settings, ctx, prefix));
    }, {
      response: { 401: ErrorBody },
      detail: routeDoc(prefix, "Get the authenticated user", "The token's holder; any valid token, whatever its scopes."),
    })
    .get("/users/:username", ({ params, request }) => {
      const ctx = contextOf(request);
      ctx.holder();
      const account = ctx.store.findAccountByLogin(params.username ?? "");
      if (!account) throw ApiError.notFound();
      return publicUser(account, surfaceUrls(settings, ctx, prefix));
    }, {
      response: { 401: ErrorBody, 404: ErrorBody },
      detail: routeDoc(prefix, "Get a user", "Any account of the forge by login, case-insensitively; any valid token may ask."),
    });
}
