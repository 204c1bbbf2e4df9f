// GitHub's `simple-user` for a forge account. The URLs follow GitHub's layout under this
// service's base; only the login, id, type and admin flag are data.
import type { SurfaceUrls } from "../urls.ts";
import { nodeId } from "../node-id.ts";
import { Repeated } from "../../serialized-json.ts";
import { keptPerSurface } from "./kept.ts";

export interface AccountFacts {
  id: number;
  login: string;
  type: string;
  siteAdmin: boolean;
}

export function simpleUser(account: AccountFacts, surface: SurfaceUrls) {
  const login = encodeURIComponent(account.login);
  const api = `${surface.api}/users/${login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type === "Organization" ? "Organization" : "User", account.id),
    // Where github.com serves it (github.com/<login>.png); the forge has no avatar of its own here.
    avatar_url: `${surface.html}/${login}.png`,
    gravatar_id: "",
    url: api,
    html_url: `${surface.html}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    site_admin: account.siteAdmin,
  };
}

export type SimpleUser = ReturnType<typeof simpleUser>;

/** The texts between an account's URLs, shared by every account; a few dozen, but for those holding data: cleared at this many. */
const between = new Map<string, Repeated>();
const mostBetween = 4096;

function shared(piece: string): Repeated {
  let repeated = between.get(piece);
  if (repeated === undefined) {
    if (between.size >= mostBetween) between.clear();
    between.set(piece, (repeated = new Repeated(piece)));
  }
  return repeated;
}

/**
 * The simple user as JSON, kept per account record and surface, as a composite Repeated: an
 * answer writes its first copy with the account's URL (fifteen of its fields begin with it)
 * as a Repeated, and the texts between as Repeated every account shares (a field's name and
 * the rest of its URL), its later copies whole; kept per account record (kept.ts).
 */
export const simpleUserJson = keptPerSurface((account: AccountFacts, surface: SurfaceUrls) => {
  const user = simpleUser(account, surface);
  return Repeated.around(JSON.stringify(user), new Repeated(JSON.stringify(user.url).slice(1, -1)), shared);
});
