// What real clients call first, in-process: the repository, the token's user, the API root,
// rate limits, artifacts, a run's timing, GraphQL, the read-only write routes, CORS and the
// URLs' bases. Each answer is checked against raw SQL and GitHub's OpenAPI description.
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { writeRoutes } from "../../src/api/github/read-only.ts";
import { defaultLimits } from "../../src/limits/config.ts";
import { testApp } from "../support/app.ts";
import type { TestAppOptions } from "../support/app.ts";
import { oracle } from "../support/db.ts";
import { expectValid, githubDescription } from "../support/openapi.ts";

let sql: Database;
let description: Awaited<ReturnType<typeof githubDescription>>;
const now = Date.now();

beforeAll(async () => {
  [sql, description] = await Promise.all([oracle(), githubDescription()]);
});

function appWith(opts: TestAppOptions = {}) {
  const served = testApp({ now: () => now, ...opts });
  return async (path: string, init: { token?: string; method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `token ${init.token}`;
    return (await served).handle(new Request(`http://localhost${path}`, { method: init.method ?? "GET", headers, body: init.body }));
  };
}

/** The default limits, and the client address the server would see. */
const limited = { limits: {}, peer: () => "192.0.2.7" } satisfies TestAppOptions;

async function json<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
  expect(res.status).toBe(status);
  return (await res.json()) as T;
}

const repoId = (full: string) => sql.query<{ id: number }, [string, string]>(
  "SELECT r.id FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE a.login = ? AND r.name = ?",
).get(...(full.split("/") as [string, string]))!.id;

describe("GET /repos/{owner}/{repo}", () => {
  test("GitHub's full-repository, with the token holder's permissions on the forge", async () => {
    const req = appWith();
    const validate = description.operation("repos/get");
    const cases: [string, string, string][] = [
      ["demo_alice_repo", "alice/hello-world", "admin"],
      ["demo_bob_read", "alice/secret-project", "read"],
      ["demo_carol_read", "octo-org/infra", "read"],
      ["demo_alice_read", "octo-org/infra", "admin"],
      ["demo_erin_admin", "frank/dotfiles", "read"],
      ["demo_frank_read", "alice/hello-world", "read"],
    ];
    for (const [token, full, level] of cases) {
      const repo = await json(await req(`/api/v3/repos/${full}`, { token }));
      expectValid(validate, repo, `${full} for ${token}`);
      const row = sql.query<{ visibility: string; default_branch: string }, [number]>("SELECT * FROM repositories WHERE id = ?").get(repoId(full))!;
      expect(repo.id).toBe(repoId(full));
      expect(repo.full_name).toBe(full);
      expect(repo.visibility).toBe(row.visibility);
      expect(repo.private).toBe(row.visibility !== "public");
      expect(repo.default_branch).toBe(row.default_branch);
      const perms = repo.permissions as Record<string, boolean>;
      expect(perms.admin, `${token} on ${full}`).toBe(level === "admin");
      expect(perms.pull).toBe(true);
      expect(perms.push).toBe(level === "admin" || level === "write" || level === "maintain");
    }
  });

  test("a repository the token may not read answers exactly as a missing one", async () => {
    const req = appWith();
    const hidden = await req("/repos/alice/secret-project", { token: "demo_frank_read" });
    const missing = await req("/repos/alice/no-such-repo", { token: "demo_frank_read" });
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).toBe(await missing.text());
    expect((await req("/repos/alice/hello-world")).status).toBe(401);
    expect((await req("/repos/alice/hello-world", { token: "demo_alice_user" })).status).toBe(403);
  });
});

describe("who the token is: GET /user and the API root", () => {
  test("/user is the token's holder, for any valid token, whatever its scopes", async () => {
    const req = appWith();
    const validate = description.operation("users/get-authenticated");
    for (const [token, login] of [["demo_alice_user", "alice"], ["demo_bob_read", "bob"], ["demo_erin_admin", "erin"]]) {
      const user = await json(await req("/api/v3/user", { token }));
      expectValid(validate, user, `user ${login}`);
      const row = sql.query<{ id: number; site_admin: number; created_at: number }, [string]>("SELECT * FROM accounts WHERE login = ?").get(login!)!;
      expect(user).toMatchObject({ login, id: row.id, site_admin: row.site_admin === 1, created_at: new Date(row.created_at).toISOString().replace(/\.\d+Z$/, "Z") });
    }
    expect((await json<{ message: string }>(await req("/user"), 401)).message).toBe("Requires authentication");
    expect((await json<{ message: string }>(await req("/user", { token: "demo_alice_expired" }), 401)).message).toBe("Bad credentials");
    expect((await req("/user", { token: "demo_dave_read" })).status).toBe(401);
  });

  test("/users/{username}: any account by login, case-insensitively; a valid token is needed", async () => {
    const req = appWith();
    const validate = description.operation("users/get-by-username");
    for (const login of ["alice", "octo-org", "frank"]) {
      const user = await json(await req(`/api/v3/users/${login.toUpperCase()}`, { token: "demo_bob_read" }));
      expectValid(validate, user, `user ${login}`);
      const row = sql.query<{ id: number; type: string }, [string]>("SELECT id, type FROM accounts WHERE login = ?").get(login)!;
      expect(user).toMatchObject({ login, id: row.id, type: row.type });
      expect(user).not.toHaveProperty("private_gists");
    }
    expect((await req("/users/nobody-here", { token: "demo_bob_read" })).status).toBe(404);
    expect((await req("/users/alice")).status).toBe(401);
  });

  test("the root: GitHub's URL templates; a token sent there must be valid; no X-OAuth-Scopes", async () => {
    const req = appWith();
    const validate = description.operation("meta/root");
    for (const path of ["/api/v3/", "/api/v3", "/"]) {
      const res = await req(path, { token: "demo_alice_read" });
      const root = await json(res);
      expectValid(validate, root, path);
      expect(res.headers.has("x-oauth-scopes")).toBe(false);
      expect(root.repository_url).toBe(`http://localhost${path.startsWith("/api/v3") ? "/api/v3" : ""}/repos/{owner}/{repo}`);
    }
    expect((await req("/api/v3/")).status).toBe(200);
    expect((await json<{ message: string }>(await req("/api/v3/", { token: "nope" }), 401)).message).toBe("Bad credentials");
    expect((await req("/api/v3/", { token: "demo_alice_revoked" })).status).toBe(401);
  });
});

describe("GET /rate_limit", () => {
  test("the caller's real budget, and asking is not charged to it", async () => {
    const req = appWith(limited);
    const validate = description.operation("rate-limit/get");
    const token = "demo_bob_read";
    const first = await json<{ rate: { limit: number; used: number; remaining: number; reset: number } }>(await req("/rate_limit", { token }));
    expectValid(validate, first, "rate_limit");
    expect(first.rate.limit).toBe(defaultLimits.tokenRequestsPerHour);
    const again = await json<typeof first>(await req("/api/v3/rate_limit", { token }));
    expect(again.rate.used).toBe(first.rate.used);
    const run = await req("/api/v3/repos/alice/secret-project/actions/runs?per_page=1", { token });
    expect(run.status).toBe(200);
    const after = await req("/rate_limit", { token });
    const body = await json<typeof first>(after);
    expect(body.rate.used).toBe(first.rate.used + 1);
    expect(body.rate.remaining).toBe(body.rate.limit - body.rate.used);
    expect(after.headers.get("x-ratelimit-used")).toBe(String(body.rate.used));
    expect(Number(run.headers.get("x-ratelimit-reset"))).toBe(body.rate.reset);
    // Without a token: the address's budget.
    const anonymous = await json<typeof first>(await req("/rate_limit"));
    expect(anonymous.rate.limit).toBe(defaultLimits.anonymousRequestsPerHour);
    expect((await req("/rate_limit", { token: "bad" })).status).toBe(401);
  });

  test("without an hourly limit: GitHub Enterprise's 404", async () => {
    const res = await appWith()("/rate_limit", { token: "demo_alice_repo" });
    expect((await json<{ message: string }>(res, 404)).message).toBe("Rate limiting is not enabled.");
  });
});

describe("artifacts", () => {
  const hello = "/api/v3/repos/alice/hello-world/actions";
  const sqlArtifacts = (where = "1", ...params: string[]) => sql.query<{ id: number; name: string; expires_at: number | null; run_id: number }, (string | number)[]>(
    `SELECT a.* FROM workflow_artifacts a JOIN workflow_runs r ON r.id = a.run_id WHERE r.repo_id = ? AND (${where})
      ORDER BY r.created_at DESC, r.id DESC, a.id DESC`,
  ).all(repoId("alice/hello-world"), ...params);

  test("a repository's artifacts, newest run first, by name, page by page", async () => {
    const req = appWith();
    const validate = description.operation("actions/list-artifacts-for-repo");
    const all = sqlArtifacts();
    expect(all.length).toBeGreaterThan(30);
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const res = await req(`${hello}/artifacts?per_page=40&page=${page}`, { token: "demo_alice_read" });
      const body = await json<{ total_count: number; artifacts: { id: number }[] }>(res);
      expectValid(validate, body, `artifacts page ${page}`);
      expect(body.total_count).toBe(all.length);
      seen.push(...body.artifacts.map((a) => a.id));
      if (!res.headers.get("link")?.includes('rel="next"')) break;
    }
    expect(seen).toEqual(all.map((a) => a.id));
    const name = all[0]!.name;
    const named = await json<{ total_count: number; artifacts: { id: number; name: string }[] }>(
      await req(`${hello}/artifacts?name=${encodeURIComponent(name)}&per_page=100`, { token: "demo_alice_read" }));
    expect(named.artifacts.map((a) => a.id)).toEqual(sqlArtifacts("a.name = ?", name).map((a) => a.id));
    expect(named.total_count).toBe(named.artifacts.length);
  });

  test("one artifact by id; another repository's is a 404; its archive: 410 expired, else a 404 that says why", async () => {
    const req = appWith();
    const all = sqlArtifacts();
    const expired = all.find((a) => a.expires_at !== null && a.expires_at <= now)!;
    const live = all.find((a) => a.expires_at === null || a.expires_at > now)!;
    expect(expired).toBeDefined();
    expect(live).toBeDefined();
    const one = await json(await req(`${hello}/artifacts/${live.id}`, { token: "demo_alice_read" }));
    expectValid(description.operation("actions/get-artifact"), one, "artifact");
    expect(one).toMatchObject({ id: live.id, name: live.name, expired: false, workflow_run: { id: live.run_id } });
    const other = sql.query<{ id: number }, [number]>(
      "SELECT a.id FROM workflow_artifacts a JOIN workflow_runs r ON r.id = a.run_id WHERE r.repo_id <> ? LIMIT 1").get(repoId("alice/hello-world"))!;
    expect((await req(`${hello}/artifacts/${other.id}`, { token: "demo_erin_admin" })).status).toBe(404);
    const gone = await req(`${hello}/artifacts/${expired.id}/zip`, { token: "demo_alice_read" });
    expect((await json<{ message: string }>(gone, 410)).message).toBe("Artifact has expired");
    const notHeld = await json<{ message: string }>(await req(`${hello}/artifacts/${live.id}/zip`, { token: "demo_alice_read" }), 404);
    expect(notHeld.message).toContain("not held by this service");
    expect((await req(`${hello}/artifacts/${live.id}/tar`, { token: "demo_alice_read" })).status).toBe(404);
  });
});

test("a run's timing: its duration from its own times, nothing billable", async () => {
  const req = appWith();
  const runs = sql.query<{ id: number; started_at: number; completed_at: number }, [number]>(
    "SELECT * FROM workflow_runs WHERE repo_id = ? AND completed_at IS NOT NULL AND started_at IS NOT NULL LIMIT 3").all(repoId("alice/hello-world"));
  for (const run of runs) {
    const body = await json(await req(`/api/v3/repos/alice/hello-world/actions/runs/${run.id}/timing`, { token: "demo_alice_read" }));
    expectValid(description.operation("actions/get-workflow-run-usage"), body, "timing");
    expect(body).toEqual({ billable: {}, run_duration_ms: run.completed_at - run.started_at });
  }
});

test("a run's referenced_workflows is an array, as GitHub's clients type it", async () => {
  const run = await json(await appWith()("/repos/alice/hello-world/actions/runs?per_page=1", { token: "demo_alice_read" }));
  expect((run.workflow_runs as Record<string, unknown>[])[0]!.referenced_workflows).toEqual([]);
});

describe("the write routes: read-only, after the auth chain", () => {
  test("405 with Allow: GET, HEAD and a message that says so, naming --lifecycle-url", async () => {
    const plain = appWith();
    const named = appWith({ lifecycleUrl: "https://forge.example/api/actions" });
    const ids = sql.query<{ run: number; job: number; workflow: number }, [number]>(
      "SELECT r.id AS run, (SELECT min(id) FROM workflow_jobs WHERE run_id = r.id) AS job, r.workflow_id AS workflow FROM workflow_runs r WHERE r.repo_id = ? AND EXISTS (SELECT 1 FROM workflow_jobs WHERE run_id = r.id) LIMIT 1",
    ).get(repoId("alice/hello-world"))!;
    expect(writeRoutes.length).toBeGreaterThanOrEqual(14);
    for (const [method, route] of writeRoutes) {
      const path = `/api/v3/repos/alice/hello-world/actions${route}`.replace(":run_id", String(ids.run)).replace(":job_id", String(ids.job))
        .replace(":workflow_id", String(ids.workflow)).replace(":artifact_id", "1");
      const res = await plain(path, { token: "demo_alice_repo", method, body: "{not json", headers: { "content-type": "application/json" } });
      expect(res.headers.get("allow"), path).toBe("GET, HEAD");
      const body = await json<{ message: string }>(res, 405);
      expect(body.message).toStartWith("This API is read-only");
      const withUrl = await json<{ message: string }>(await named(path, { token: "demo_alice_repo", method }), 405);
      expect(withUrl.message).toEndWith("https://forge.example/api/actions");
      expect((await plain(path, { method })).status).toBe(401);
      expect((await plain(path.replace("alice/hello-world", "frank/dotfiles"), { token: "demo_alice_repo", method })).status).toBe(404);
    }
  });
});

describe("GraphQL", () => {
  const gql = (req: ReturnType<typeof appWith>, query: string, variables?: unknown, token = "demo_alice_repo", path = "/api/graphql") =>
    req(path, { token, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });

  test("viewer { login }, as gh auth status asks", async () => {
    const req = appWith();
    for (const path of ["/api/graphql", "/graphql"]) {
      expect(await json(await gql(req, "query UserCurrent{viewer{login}}", undefined, "demo_carol_read", path))).toEqual({ data: { viewer: { login: "carol" } } });
    }
    expect((await req("/api/graphql", { method: "POST", body: "{}" })).status).toBe(401);
  });

  test("gh's RepositoryNetwork query: the shape gh reads; a hidden repository is NOT_FOUND as a missing one", async () => {
    const req = appWith();
    const query = `query RepositoryNetwork { viewer { login } repo_000: repository(owner: "alice", name: "secret-project") { ...repo parent { ...repo } }
      repo_001: repository(owner: "octo-org", name: "infra") { ...repo } }
      fragment repo on Repository { id name owner { login } viewerPermission defaultBranchRef { name } isPrivate }`;
    const mine = await json(await gql(req, query));
    expect(mine).toEqual({ data: {
      viewer: { login: "alice" },
      repo_000: { id: btoa(`010:Repository${repoId("alice/secret-project")}`), name: "secret-project", owner: { login: "alice" }, viewerPermission: "ADMIN", defaultBranchRef: { name: "main" }, isPrivate: true, parent: null },
      repo_001: { id: btoa(`010:Repository${repoId("octo-org/infra")}`), name: "infra", owner: { login: "octo-org" }, viewerPermission: "ADMIN", defaultBranchRef: { name: "main" }, isPrivate: true },
    } });
    const frank = await json<{ data: Record<string, unknown>; errors: { type: string; path: string[]; message: string }[] }>(await gql(req, query, undefined, "demo_frank_read"));
    expect(frank.data).toEqual({ viewer: { login: "frank" }, repo_000: null, repo_001: null });
    expect(frank.errors.map((e) => [e.type, e.path[0], e.message])).toEqual([
      ["NOT_FOUND", "repo_000", "Could not resolve to a Repository with the name 'alice/secret-project'."],
      ["NOT_FOUND", "repo_001", "Could not resolve to a Repository with the name 'octo-org/infra'."],
    ]);
    const missing = await json<typeof frank>(await gql(req, `{ repository(owner: "nobody", name: "none") { id } }`, undefined, "demo_frank_read"));
    expect(missing.errors[0]!.type).toBe("NOT_FOUND");
    const noScope = await json<typeof frank>(await gql(req, `{ repository(owner: "alice", name: "hello-world") { id } }`, undefined, "demo_alice_user"));
    expect(noScope.errors[0]!.type).toBe("INSUFFICIENT_SCOPES");
  });

  test("PullRequestForRun: pull requests are not held, in GitHub's error shape", async () => {
    const query = "query PullRequestForRun($owner: String!, $repo: String!, $headRefName: String!) { repository(owner: $owner, name: $repo) { pullRequests(headRefName: $headRefName, first: 1, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { number headRepository { owner { login } name } } } } }";
    const body = await json<{ data: unknown; errors: { type: string; path: string[]; locations: unknown[]; message: string }[] }>(
      await gql(appWith(), query, { owner: "alice", repo: "hello-world", headRefName: "main" }));
    expect(body.data).toEqual({ repository: { pullRequests: null } });
    expect(body.errors[0]).toMatchObject({ type: "NOT_FOUND", path: ["repository", "pullRequests"] });
    expect(body.errors[0]!.message).toContain("not held");
  });

  test("what the schema does not have, and bad requests: errors, never a 500", async () => {
    const req = appWith();
    const unknown = await json<{ errors: { message: string; locations: unknown[] }[] }>(await gql(req, "{ viewer { login email } }"));
    expect(unknown.errors[0]!.message).toContain("email");
    expect("data" in unknown).toBe(false);
    expect((await json<{ errors: unknown[] }>(await gql(req, "{ viewer { "))).errors.length).toBe(1);
    expect((await json<{ errors: { message: string }[] }>(await req("/api/graphql", { token: "demo_alice_repo", method: "POST", body: "{}" }))).errors[0]!.message)
      .toBe("A query attribute must be specified and must be a string.");
    expect((await req("/api/graphql", { token: "demo_alice_repo", method: "POST", body: "[" })).status).toBe(400);
  });
});

describe("CORS", () => {
  const preflight = { method: "OPTIONS", headers: { origin: "https://dash.example", "access-control-request-method": "GET", "access-control-request-headers": "authorization" } };

  test("a preflight is answered without a token, on any path, before the 405 logic", async () => {
    const req = appWith(limited);
    for (const path of ["/healthz", "/api/v3/repos/alice/secret-project/actions/runs", "/api/v1/repos/alice/hello-world/actions/runs", "/nope"]) {
      const res = await req(path, preflight);
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-headers")).toContain("Authorization");
      expect(res.headers.get("access-control-allow-headers")).toContain("If-None-Match");
    }
    // An OPTIONS that is no preflight still gets the 405.
    expect((await req("/api/v3/repos/alice/hello-world/actions/runs", { method: "OPTIONS" })).status).toBe(405);
  });

  test("every answer carries the headers, refusals and errors included", async () => {
    const req = appWith(limited);
    const origin = { origin: "https://dash.example" };
    for (const [path, token, status] of [
      ["/api/v3/repos/alice/hello-world/actions/runs?per_page=2", "demo_alice_read", 200],
      ["/api/v3/repos/alice/hello-world/actions/runs", undefined, 401],
      ["/api/v3/repos/alice/hello-world/actions/runs", "demo_alice_user", 403],
      ["/api/v3/repos/alice/secret-project/actions/runs", "demo_frank_read", 404],
      ["/api/v3/repos/alice/hello-world/actions/runs?per_page=x", "demo_alice_read", 422],
    ] as const) {
      const res = await req(path, { token, headers: origin });
      expect(res.status, path).toBe(status);
      expect(res.headers.get("access-control-allow-origin"), path).toBe("*");
      const exposed = res.headers.get("access-control-expose-headers")!.toLowerCase().split(", ");
      for (const h of ["link", "etag", "x-total-count", "x-ratelimit-remaining", "x-ratelimit-reset", "x-request-id"]) expect(exposed).toContain(h);
    }
  });

  test("--cors-origins narrows it to the listed origins", async () => {
    const req = appWith({ corsOrigins: ["https://dash.example"] });
    const ok = await req("/healthz", { headers: { origin: "https://dash.example" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://dash.example");
    expect(ok.headers.get("vary")).toContain("Origin");
    const other = await req("/healthz", { headers: { origin: "https://evil.example" } });
    expect(other.headers.has("access-control-allow-origin")).toBe(false);
    const refused = await req("/healthz", { ...preflight, headers: { ...preflight.headers, origin: "https://evil.example" } });
    expect(refused.status).toBe(204);
    expect(refused.headers.has("access-control-allow-origin")).toBe(false);
  });
});

describe("the URLs' bases", () => {
  const runPath = "/api/v3/repos/alice/hello-world/actions/runs?per_page=1";
  type Runs = { workflow_runs: { url: string; html_url: string; repository: { html_url: string; owner: { html_url: string } } }[] };

  test("--web-url for every html_url; the API's own URLs stay on the API", async () => {
    const body = await json<Runs>(await appWith({ webUrl: "https://forge.example" })(runPath, { token: "demo_alice_read" }));
    const run = body.workflow_runs[0]!;
    expect(run.html_url).toStartWith("https://forge.example/alice/hello-world/actions/runs/");
    expect(run.repository.html_url).toBe("https://forge.example/alice/hello-world");
    expect(run.repository.owner.html_url).toBe("https://forge.example/alice");
    expect(run.url).toStartWith("http://localhost/api/v3/repos/alice/hello-world/actions/runs/");
  });

  test("X-Forwarded-Proto and -Host shape the URLs with --trust-proxy only, and answers for one never serve another", async () => {
    const forwarded = (host: string) => ({ token: "demo_alice_read", headers: { "x-forwarded-proto": "https", "x-forwarded-host": host } });
    const trusting = appWith({ trustProxy: true });
    for (const host of ["a.example", "b.example:8443", "a.example"]) {
      const res = await trusting(`${runPath}&page=2`, forwarded(host));
      const body = await json<Runs>(res);
      expect(body.workflow_runs[0]!.url).toStartWith(`https://${host}/api/v3/`);
      expect(res.headers.get("link")).toContain(`<https://${host}/api/v3/repos/alice/hello-world/actions/runs?per_page=1&page=3>`);
    }
    const plain = await json<Runs>(await trusting(runPath, { token: "demo_alice_read" }));
    expect(plain.workflow_runs[0]!.url).toStartWith("http://localhost/");
    const hostile = await json<Runs>(await trusting(runPath, forwarded("evil.example/path?x=")));
    expect(hostile.workflow_runs[0]!.url).toStartWith("https://localhost/api/v3/");
    const untrusting = await json<Runs>(await appWith()(runPath, forwarded("a.example")));
    expect(untrusting.workflow_runs[0]!.url).toStartWith("http://localhost/api/v3/");
  });
});
