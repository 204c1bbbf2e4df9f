// Which token scopes grant what. The forge's rule: `repo` ⊇ `repo:write` ⊇ `repo:read`;
// any other scope grants nothing on the Actions surface.

export type Scope = "repo:read";

const implies: Record<Scope, readonly string[]> = {
  "repo:read": ["repo:read", "repo:write", "repo"],
};

export function hasScope(granted: readonly string[], needed: Scope): boolean {
  const accepted = implies[needed];
  return granted.some((s) => accepted.includes(s));
}

/** The value of GitHub's `X-Accepted-OAuth-Scopes` for a route that needs `needed`. */
export function acceptedScopesHeader(needed: Scope): string {
  return implies[needed].join(", ");
}
