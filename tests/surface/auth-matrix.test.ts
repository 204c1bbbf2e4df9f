// The auth chain as a table: every token state × every repository state × every route of
// both surfaces (/api/v1, GitHub's at /api/v3 and at the root), through the served stack.
// A 404 that hides a repository must be the 404 of a repository that does not exist: the
// same body and the same headers, the request id and the per-request rate-limit counters
// aside (both requests are charged alike).
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { testApp } from "../support/app.ts";
import { oracle } from "../support/db.ts";

type Outcome = 200 | 401 | 403 | 404;

interface Cell {
  tokenState: string;
  repoState: string;
  authorization: string | null;
  repo: string;
  /** What a route that serves data answers; routes for what the service does not hold answer 404 when this is 200. */
  expected: Outcome;
}

const missing = "nobody/no-such-repo";

const invalidTokens: [string, string | null][] = [
  ["no token", null],
  ["malformed", "Basic YWxpY2U6cGFzcw=="],
  ["unknown", "token not-a-real-token"],
  ["expired", "token demo_alice_expired"],
  ["revoked", "token demo_alice_revoked"],
  ["suspended owner", "token demo_dave_read"],
];

const everyRepoState: [string, string][] = [
  ["public", "alice/hello-world"],
  ["internal", "octo-org/platform"],
  ["private", "alice/secret-project"],
  ["private (org)", "octo-org/infra"],
  ["deleted", "alice/old-stuff"],
  ["Actions disabled", "acme/website"],
  ["nonexistent", missing],
];

/** alice's tokens by scope, against repositories as alice stands to them. */
const aliceRepoStates: [string, string, Outcome][] = [
  ["public", "alice/hello-world", 200],
  ["internal", "octo-org/platform", 200],
  ["private owned", "alice/secret-project", 200],
  ["private via org (alice owns octo-org)", "octo-org/infra", 200],
  ["private with no access", "frank/dotfiles", 404],
  ["deleted", "alice/old-stuff", 404],
  ["Actions disabled", "acme/website", 404],
  ["nonexistent", missing, 404],
];

/** Other users' relations to private repositories, and the site admin. */
const relations: [string, string, string, Outcome][] = [
  ["bob (repo:read)", "private via collaborator", "alice/secret-project", 200],
  ["carol (repo:read)", "private via org membership", "octo-org/infra", 200],
  ["frank (repo:read)", "private owned", "frank/dotfiles", 200],
  ["frank (repo:read)", "private with no access", "alice/secret-project", 404],
  ["carol (repo:read)", "private with no access", "alice/secret-project", 404],
  ["bob (repo:read)", "private with no access (org)", "octo-org/infra", 404],
  ["bob (repo:read)", "internal", "octo-org/platform", 200],
  ["erin (site admin)", "private of another user", "frank/dotfiles", 200],
  ["erin (site admin)", "Actions disabled", "acme/website", 404],
  ["erin (site admin)", "deleted", "alice/old-stuff", 404],
  ["erin (site admin)", "nonexistent", missing, 404],
];
const tokenOf: Record<string, string> = {
  "bob (repo:read)": "demo_bob_read", "carol (repo:read)": "demo_carol_read", "frank (repo:read)": "demo_frank_read", "erin (site admin)": "demo_erin_admin",
};

const cells: Cell[] = [
  ...invalidTokens.flatMap(([tokenState, authorization]) =>
    everyRepoState.map(([repoState, repo]): Cell => ({ tokenState, repoState, authorization, repo, expected: 401 }))),
  ...everyRepoState.map(([repoState, repo]): Cell => ({ tokenState: "wrong scope (user:read, gist)", repoState, authorization: "token demo_alice_user", repo, expected: 403 })),
  ...[["repo", "demo_alice_repo"], ["repo:write", "demo_alice_write"], ["repo:read", "demo_alice_read"], ["repo:read, expiring in 2099", "demo_alice_future"]].flatMap(([scope, token]) =>
    aliceRepoStates.map(([repoState, repo, expected]): Cell => ({ tokenState: `scope ${scope}`, repoState, authorization: `token ${token}`, repo, expected }))),
  ...relations.map(([who, repoState, repo, expected]): Cell => ({ tokenState: who, repoState, authorization: `token ${tokenOf[who]}`, repo, expected })),
];

interface Ids { run: number; job: number; workflow: number; artifactRun: number; artifact: number }

interface Route { method: string; path: string }

let handle: (r: Request) => Promise<Response>;
let routes: Route[];
const idsOf = new Map<string, Ids>();
let sql: Database;

beforeAll(async () => {
  sql = await oracle();
  // The served stack, limits included, with budgets the matrix never exhausts.
  const served = await testApp({
    limits: { tokenRequestsPerHour: 1e9, anonymousRequestsPerHour: 1e9, requestsPerMinute: 1e9 },
    peer: () => "192.0.2.44",
  });
  handle = served.handle;
  routes = served.app.routes.filter((r) => r.path.includes(":owner")).map(({ method, path }) => ({ method, path }));
  for (const [, repo] of [...everyRepoState, ["", "frank/dotfiles"]]) {
    if (repo === missing) continue;
    const [owner, name] = repo!.split("/");
    const row = sql.query<Ids, [string, string]>(`
      SELECT w.id AS run, (SELECT min(j.id) FROM workflow_jobs j WHERE j.run_id = w.id) AS job, w.workflow_id AS workflow,
        coalesce((SELECT max(x.run_id) FROM workflow_artifacts x JOIN workflow_runs v ON v.id = x.run_id WHERE v.repo_id = r.id), w.id) AS artifactRun,
        coalesce((SELECT max(x.id) FROM workflow_artifacts x JOIN workflow_runs v ON v.id = x.run_id WHERE v.repo_id = r.id), 0) AS artifact
      FROM workflow_runs w JOIN repositories r ON r.id = w.repo_id JOIN accounts a ON a.id = r.owner_id
      WHERE a.login = ? AND r.name = ? AND EXISTS (SELECT 1 FROM workflow_jobs j WHERE j.run_id = w.id)
      ORDER BY w.id LIMIT 1`).get(owner!, name!);
    expect(row).not.toBeNull();
    idsOf.set(repo!, row!);
  }
});

/** A route's path for a repository, with ids of that repository's own run, job and workflow. */
function pathFor(route: string, repo: string, ids: Ids): string {
  const [owner, name] = repo.split("/");
  return route.replace(":owner", owner!).replace(":repo", name!)
    .replace(":run_id", String(route.endsWith("/artifacts") ? ids.artifactRun : ids.run))
    .replace(":check_run_id", String(ids.run)).replace(":job_id", String(ids.job))
    .replace(":workflow_id", String(ids.workflow)).replace(":attempt_number", "1")
    .replace(":artifact_id", String(ids.artifact)).replace(":archive_format", "zip");
}

/** Routes for what the service does not hold (logs, annotations, archives): GitHub's 404 after the auth chain. */
const notHeld = (route: Route) => route.method === "GET" && (route.path.endsWith("/logs") || route.path.endsWith("/annotations"));
/** An artifact's archive: 410 once it has expired, else the 404 of an archive not held here. */
const archive = (route: Route) => route.path.endsWith("/:archive_format");
/** What the read-only surface refuses (re-run, cancel, delete, …): 405 after the auth chain. */
const writes = (route: Route) => route.method !== "GET";

function send(route: Route, path: string, authorization: string | null): Promise<Response> {
  return handle(new Request(`http://localhost${path}`, { method: route.method, headers: authorization === null ? {} : { authorization } }));
}

const perRequest = new Set(["x-request-id", "date", "x-ratelimit-remaining", "x-ratelimit-used"]);
const stableHeaders = (res: Response) => [...res.headers].filter(([k]) => !perRequest.has(k));

describe("auth matrix", () => {
  for (const cell of cells) {
    test(`${cell.tokenState} × ${cell.repoState} (${cell.repo}) → ${cell.expected}`, async () => {
      // A hidden repository is asked with its own ids; the missing one with the same ids.
      const ids = idsOf.get(cell.repo) ?? idsOf.get("alice/hello-world")!;
      for (const route of routes) {
        const path = pathFor(route.path, cell.repo, ids);
        const res = await send(route, path, cell.authorization);
        // A repository without artifacts has none to show: its artifact routes are a 404 (of id 0).
        const served = cell.expected === 200 && !(route.path.includes(":artifact_id") && ids.artifact === 0 && !writes(route));
        const want = !served && cell.expected === 200 ? 404
          : served && notHeld(route) ? 404 : served && writes(route) ? 405
          : served && archive(route) ? (res.status === 410 ? 410 : 404) : cell.expected;
        expect(res.status, `${route.method} ${path}`).toBe(want);
        if (want === 405) expect(res.headers.get("allow"), path).toBe("GET, HEAD");
        expect(res.headers.get("x-request-id"), path).toBeTruthy();
        const text = await res.text();
        if (want !== 200) {
          const body = JSON.parse(text) as { message: string; documentation_url: string };
          expect(typeof body.message, path).toBe("string");
          expect(body.documentation_url, path).toStartWith("https://docs.github.com/");
        }
        if (want === 401) expect(JSON.parse(text).message).toBe(cell.authorization === null ? "Requires authentication" : "Bad credentials");
        if (want === 403) expect(res.headers.get("x-accepted-oauth-scopes"), path).toBe("repo:read, repo:write, repo");

        if (want === 404 && cell.repo !== missing && cell.expected === 404) {
          const twin = await send(route, pathFor(route.path, missing, ids), cell.authorization);
          expect(twin.status, path).toBe(404);
          expect(text, path).toBe(await twin.text());
          expect(stableHeaders(res), path).toEqual(stableHeaders(twin));
          // Both answers were charged, one after the other.
          expect(Number(twin.headers.get("x-ratelimit-used")), path).toBe(Number(res.headers.get("x-ratelimit-used")) + 1);
        }
      }
    });
  }

  test("the table is the app's own route table: the forge's three routes, and the same GitHub routes at /api/v3 and at the root", () => {
    // Built from the router's routes, so no route that names a repository can be left out.
    const key = (r: Route) => `${r.method} ${r.path}`;
    const v1 = routes.filter((r) => r.path.startsWith("/api/v1/")).map(key).sort();
    expect(v1).toEqual([
      "GET /api/v1/repos/:owner/:repo/actions/runs", "GET /api/v1/repos/:owner/:repo/actions/runs/:run_id", "GET /api/v1/repos/:owner/:repo/actions/runs/:run_id/jobs",
    ]);
    const v3 = routes.filter((r) => r.path.startsWith("/api/v3/")).map((r) => key({ ...r, path: r.path.slice("/api/v3".length) })).sort();
    const root = routes.filter((r) => r.path.startsWith("/repos/")).map(key).sort();
    expect(v3).toEqual(root);
    for (const route of ["GET /repos/:owner/:repo", "GET /repos/:owner/:repo/actions/runs", "GET /repos/:owner/:repo/actions/artifacts", "POST /repos/:owner/:repo/actions/runs/:run_id/rerun"]) {
      expect(root).toContain(route);
    }
    expect(cells.length).toBeGreaterThan(90);
  });
});
