// Who a request's token belongs to, for the rate limits and the log line. The routes' own
// auth chain decides access, always fresh; this answer may be up to a second old, which
// spares most requests a second token lookup.
import { authenticate } from "../auth/access.ts";
import { hashToken, tokenFromAuthorization } from "../auth/tokens.ts";
import type { Store, TokenHolder } from "../store/index.ts";

interface Remembered {
  holder: TokenHolder | null;
  until: number;
}

export class TokenIdentities {
  private readonly recent = new Map<string, Remembered>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly rememberMs = 1_000,
    private readonly capacity = 10_000,
  ) {}

  /** The holder of the valid token in this Authorization header, or null (none, or not valid). */
  holderOf(authorization: string | null): TokenHolder | null {
    const raw = tokenFromAuthorization(authorization);
    if (raw === null || raw === undefined) return null;
    const hash = hashToken(raw);
    const now = this.now();
    const remembered = this.recent.get(hash);
    if (remembered !== undefined && remembered.until > now) return remembered.holder;
    let holder: TokenHolder | null;
    try {
      holder = authenticate(this.store, authorization, now);
    } catch {
      holder = null;
    }
    // Many distinct tokens (a guessing client): start over rather than grow without bound.
    if (this.recent.size >= this.capacity) this.recent.clear();
    this.recent.set(hash, { holder, until: now + this.rememberMs });
    return holder;
  }
}
