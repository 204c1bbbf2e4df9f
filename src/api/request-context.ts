// One request's context: made once where the request enters the service (src/http/pipeline.ts)
// and handed to everything that needs it. It carries what the request is judged against — the
// data version read when it began, the clock, who its token belongs to — and what the routes
// learn about it on the way (the route matched, the access granted).
//
// Elysia hands its routes only the Request, so the pipeline fastens the context to the Request
// it gives the router, under a private symbol; `contextOf` is the one way back to it.
import { ApiError } from "../errors.ts";
import { decideAuthentication } from "../auth/access.ts";
import type { Access, Authentication } from "../auth/access.ts";
import type { Scope } from "../auth/scopes.ts";
import type { DataVersion, FactsVersion, Store, TokenHolder } from "../store/index.ts";

/** Who is at the other end of a connection: the runtime's server answers for the requests it received. */
export interface Peer {
  /** The client's address for this request; null when there is none (a unix socket). */
  address(request: Request): string | null;
}

/** What the auth chain granted a request, and what it asked for: the repository as its URL names it, and the scope. */
export interface Grant {
  access: Access;
  owner: string;
  repo: string;
  scope: Scope;
}

export class RequestContext {
  /** The route pattern that answered (e.g. /api/v1/repos/:owner/:repo/actions/runs); null until one matched. */
  route: string | null = null;
  /** Set by the auth chain when it admits the request to a repository's data. */
  grant: Grant | null = null;
  /** When the answer stops being true with no write to the data (an artifact expires): it is not remembered past then (ms). */
  trueUntil = Infinity;
  /** Answered 304 from a remembered answer whose tag the client named (not `*`): it cost nothing, so it is not charged. */
  notModifiedFromMemory = false;
  private decided: Authentication | undefined;

  constructor(
    readonly id: string,
    readonly request: Request,
    /** The URL as the client sent it, with the host it was sent to (the router may have seen another). */
    readonly url: string,
    /** Scheme and host the client used; the base of absolute URLs unless one is configured. */
    readonly origin: string,
    readonly store: Store,
    /** The data version when the request began: every cached fact and answer of it is judged against this. */
    readonly dataVersion: DataVersion,
    /** The clock when the request began (ms): token expiry is judged against it. */
    readonly now: number,
    /** The request as the server received it, and the peer that sent it (null in-process). */
    private readonly received: Request,
    private readonly peer: Peer | null,
    /** A raw token's hash as the forge stores it. */
    private readonly tokenHash: (raw: string) => string,
  ) {}

  /** The client's address, as the server saw it; null over a unix socket or in-process. */
  clientAddress(): string | null {
    return this.peer?.address(this.received) ?? null;
  }

  /**
   * What the answer to this request is remembered under: the URL as sent, with the forwarded
   * scheme and host it came with, if any (behind a trusted proxy they shape its URLs).
   */
  get answerKey(): string {
    const headers = this.request.headers;
    const proto = headers.get("x-forwarded-proto");
    const host = headers.get("x-forwarded-host");
    return proto === null && host === null ? this.url : `${this.url}#forwarded=${proto ?? ""};${host ?? ""}`;
  }

  /** The holder of the request's valid token; else the 401, thrown. */
  holder(): TokenHolder {
    const decided = this.authentication;
    if (decided instanceof ApiError) throw decided;
    return decided;
  }

  /**
   * The version the auth chain's lookups are remembered under: it moves only when what they
   * read (tokens, accounts, memberships, collaborators, repositories) was written. Read before
   * anything else of the request, so its facts are never older than it says.
   */
  get factsVersion(): FactsVersion {
    return this.store.changes(this.dataVersion)?.facts ?? null;
  }

  /** What the request's credentials come to: the token's holder, or the 401; decided once. */
  get authentication(): Authentication {
    return (this.decided ??= decideAuthentication(this.store, this.request.headers.get("authorization"), this.now, this.factsVersion, this.tokenHash));
  }

  /** The token holder's login, once decided; null without a valid token. */
  get login(): string | null {
    const decided = this.decided;
    return decided === undefined || decided instanceof ApiError ? null : decided.login;
  }
}

const contextKey = Symbol("actions-runs.request-context");
type WithContext = Request & { [contextKey]?: RequestContext };

/** Fasten the context to the Request the router will see. */
export function attachContext(request: Request, context: RequestContext): void {
  (request as WithContext)[contextKey] = context;
}

/** The context of a request that entered through the pipeline. */
export function contextOf(request: Request): RequestContext {
  const context = (request as WithContext)[contextKey];
  if (context === undefined) throw new Error("request did not enter through the service's pipeline (src/http/pipeline.ts)");
  return context;
}
