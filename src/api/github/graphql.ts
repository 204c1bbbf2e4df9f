// GitHub's GraphQL API, for what gh asks of it: `viewer { login }` (gh auth status), the
// RepositoryNetwork query it may send to resolve a repository, and PullRequestForRun. A real
// schema, executed by graphql-js, over the same store and auth chain as the REST routes: a
// repository the token may not read is the same NOT_FOUND as a missing one. Pull requests are
// not in the forge's database: asking for them is an error in GitHub's shape, not an empty list.
import { Elysia } from "elysia";
import type { ExecutionResult, GraphQLSchema } from "graphql";
import { authorizeRepository, requireScope } from "../../auth/access.ts";
import { permissionOn } from "../../auth/permissions.ts";
import { ApiError } from "../../errors.ts";
import type { FactsVersion, RepositoryRecord, Store, TokenHolder } from "../../store/index.ts";
import { contextOf } from "../request-context.ts";
import type { ApiSettings } from "../settings.ts";
import { ErrorBody } from "../model.ts";
import { nodeId } from "./node-id.ts";
import { repositoryUrls, surfaceUrls } from "./urls.ts";
import type { SurfaceUrls } from "./urls.ts";

const sdl = `
  type Query {
    "The token's holder."
    viewer: User!
    "A repository the token may read; null (with a NOT_FOUND error) for any other, as for one that does not exist."
    repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  }
  type User { id: ID! databaseId: Int login: String! name: String url: String! }
  type RepositoryOwner { id: ID! login: String! url: String! }
  type Ref { name: String! }
  enum RepositoryPermission { ADMIN MAINTAIN WRITE TRIAGE READ }
  enum RepositoryVisibility { PUBLIC INTERNAL PRIVATE }
  enum IssueOrderField { CREATED_AT UPDATED_AT COMMENTS }
  enum OrderDirection { ASC DESC }
  enum PullRequestState { OPEN CLOSED MERGED }
  input IssueOrder { field: IssueOrderField! direction: OrderDirection! }
  type Repository {
    id: ID!
    databaseId: Int
    name: String!
    nameWithOwner: String!
    owner: RepositoryOwner!
    url: String!
    isPrivate: Boolean!
    isFork: Boolean!
    isArchived: Boolean!
    visibility: RepositoryVisibility!
    viewerPermission: RepositoryPermission
    defaultBranchRef: Ref
    "The forge has no forks: always null."
    parent: Repository
    createdAt: String!
    updatedAt: String!
    "Not held by this service: always an error."
    pullRequests(headRefName: String, baseRefName: String, first: Int, last: Int, after: String, before: String,
      states: [PullRequestState!], labels: [String!], orderBy: IssueOrder): PullRequestConnection
  }
  type PullRequestConnection { totalCount: Int! nodes: [PullRequest] }
  type PullRequest { number: Int! headRepository: Repository }
`;

/**
 * graphql-js and the schema built from it, loaded by the first query rather than at start-up:
 * evaluating the library and building the schema cost the start of every process several ms.
 */
let graphqlJs: typeof import("graphql") | null = null;
let schema: GraphQLSchema | null = null;
async function engine(): Promise<{ graphqlJs: typeof import("graphql"); schema: GraphQLSchema }> {
  graphqlJs ??= await import("graphql");
  schema ??= graphqlJs.buildSchema(sdl);
  return { graphqlJs, schema };
}

/** GitHub's GraphQL errors carry a `type` besides the message; graphql-js keeps it in extensions. */
const failure = (type: string, message: string) => new graphqlJs!.GraphQLError(message, { extensions: { type } });

/** `version`: the facts version the auth chain's lookups are remembered under. */
interface Call { store: Store; user: TokenHolder; surface: SurfaceUrls; version: FactsVersion }

function repositoryNode(repo: RepositoryRecord, call: Call) {
  const urls = repositoryUrls(call.surface, repo);
  return {
    id: nodeId("Repository", repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.ownerLogin}/${repo.name}`,
    owner: { id: nodeId(repo.ownerType, repo.ownerId), login: repo.ownerLogin, url: `${call.surface.html}/${encodeURIComponent(repo.ownerLogin)}` },
    url: urls.web,
    isPrivate: repo.visibility !== "public",
    isFork: false,
    isArchived: false,
    visibility: repo.visibility.toUpperCase(),
    viewerPermission: () => permissionOn(call.user, repo, call.store).toUpperCase(),
    defaultBranchRef: { name: repo.defaultBranch },
    parent: null,
    createdAt: new Date(repo.createdAt).toISOString(),
    updatedAt: new Date(repo.updatedAt).toISOString(),
    pullRequests: () => {
      throw failure("NOT_FOUND", "Pull requests are not held by this service: the forge's Actions history has none.");
    },
  };
}

const root = {
  viewer: (_: unknown, call: Call) => ({
    id: nodeId("User", call.user.userId),
    databaseId: call.user.userId,
    login: call.user.login,
    name: null,
    url: `${call.surface.html}/${encodeURIComponent(call.user.login)}`,
  }),
  repository: ({ owner, name }: { owner: string; name: string }, call: Call) => {
    try {
      requireScope(call.user, "repo:read");
    } catch {
      throw failure("INSUFFICIENT_SCOPES",
        `Your token has not been granted the required scopes to execute this query. The 'repository' field requires one of the following scopes: ['repo:read', 'repo:write', 'repo'], but your token has only been granted the: [${call.user.scopes.map((s) => `'${s}'`).join(", ")}] scopes.`);
    }
    try {
      return repositoryNode(authorizeRepository(call.store, call.user, owner, name, call.version), call);
    } catch {
      throw failure("NOT_FOUND", `Could not resolve to a Repository with the name '${owner}/${name}'.`);
    }
  },
};

/** GitHub's error entries: `type` (for what a resolver refused), `path`, `locations`, `message`. */
function githubErrors(result: ExecutionResult) {
  return result.errors?.map((e) => ({
    ...(typeof e.extensions?.type === "string" && { type: e.extensions.type }),
    ...(e.path && { path: e.path }),
    ...(e.locations && { locations: e.locations }),
    message: e.message,
  }));
}

/** Longest query text accepted: gh's are under 1 KiB. */
const maxQueryBytes = 64 * 1024;

export function graphqlRoutes(settings: ApiSettings) {
  const answer = async (request: Request) => {
    const ctx = contextOf(request);
    const user = ctx.holder();
    // Read with the holder, before the awaits below: the version the chain's lookups are filed under.
    const facts = ctx.factsVersion;
    let body: unknown;
    const text = await request.text();
    if (text.length > maxQueryBytes) return { errors: [{ message: `The query is larger than ${maxQueryBytes} bytes.` }] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError("invalid", "Problems parsing JSON", { status: 400 });
    }
    const { query, variables, operationName } = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof query !== "string") return { errors: [{ message: "A query attribute must be specified and must be a string." }] };
    const { graphqlJs, schema } = await engine();
    const result = await graphqlJs.graphql({
      schema,
      source: query,
      rootValue: root,
      contextValue: { store: ctx.store, user, surface: surfaceUrls(settings, ctx, ""), version: facts } satisfies Call,
      variableValues: variables !== null && typeof variables === "object" ? (variables as Record<string, unknown>) : undefined,
      operationName: typeof operationName === "string" ? operationName : undefined,
    });
    const errors = githubErrors(result);
    return { ...("data" in result && { data: result.data ?? null }), ...(errors && { errors }) };
  };
  const options = {
    parse: "none" as const,
    response: { 401: ErrorBody },
    detail: { summary: "GraphQL", description: "viewer, repository (with viewerPermission, defaultBranchRef, …); pull requests are not held.", hide: false },
  };
  return new Elysia()
    .post("/api/graphql", ({ request }) => answer(request), options)
    .post("/graphql", ({ request }) => answer(request), { ...options, detail: { ...options.detail, hide: true } });
}
