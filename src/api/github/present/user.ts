// GitHub's `public-user` (GET /users/{username}) and `private-user` (GET /user, the token's
// holder): the account's own facts, and for what the forge does not record (a name, a bio,
// followers) null or zero.
import type { AccountRecord } from "../../../store/access.ts";
import { isoSeconds } from "../../time.ts";
import type { SurfaceUrls } from "../urls.ts";
import { simpleUser } from "./account.ts";

/** GitHub's `public-user` (GET /users/{username}): what anyone may see of an account. */
export function publicUser(account: AccountRecord, surface: SurfaceUrls) {
  return {
    ...simpleUser(account, surface),
    name: null,
    company: null,
    blog: null,
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: isoSeconds(account.createdAt)!,
    updated_at: isoSeconds(account.updatedAt)!,
  };
}

export function privateUser(account: AccountRecord, surface: SurfaceUrls) {
  return {
    ...publicUser(account, surface),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
  };
}
