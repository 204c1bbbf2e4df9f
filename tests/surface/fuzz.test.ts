// Generated requests against every route of both surfaces (/api/v1, and GitHub's at /api/v3
// and at the root), through the whole served stack (front door and limits included): odd
// path segments, query strings and headers never get a 5xx, every error is JSON with a
// message, and no answer carries data of a repository the token may not read.
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import fc from "fast-check";
import { demoTokens } from "../../src/seed/fixtures.ts";
import { testApp } from "../support/app.ts";
import { oracle } from "../support/db.ts";
import { walksEveryRoute } from "../support/timeouts.ts";

type Handle = (request: Request) => Promise<Response>;

interface Hidden {
  repoIds: Set<number>;
  fullNames: Set<string>;
  runIds: Set<number>;
  workflowIds: Set<number>;
}

let handle: Handle;
let routes: string[];
let sql: Database;
/** What each credential may not see; credentials that do not authenticate see nothing. */
const hiddenFor = new Map<string, Hidden>();
const pools = { owners: [] as string[], repos: [] as string[], runIds: [] as number[], jobIds: [] as number[], workflows: [] as string[], coherent: [] as Coherent[] };

/** The ActionRepoRead policy in SQL, independent of the service's code: repositories this user may not read. */
function hiddenRepositories(userId: number | null): Hidden {
  const rows = sql.query<{ id: number; full_name: string }, [number]>(`
    SELECT r.id, lower(a.login || '/' || r.name) AS full_name FROM repositories r JOIN accounts a ON a.id = r.owner_id
    WHERE NOT (r.deleted_at IS NULL AND r.actions_enabled = 1 AND (
      r.visibility IN ('public', 'internal') OR r.owner_id = ?1
      OR EXISTS (SELECT 1 FROM accounts u WHERE u.id = ?1 AND u.site_admin = 1)
      OR EXISTS (SELECT 1 FROM repo_collaborators c WHERE c.repo_id = r.id AND c.user_id = ?1)
      OR EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = r.owner_id AND m.user_id = ?1)))`).all(userId ?? -1);
  const repoIds = new Set(rows.map((r) => r.id));
  const ids = (table: string) => new Set(sql.query<{ id: number }, []>(`SELECT id, repo_id FROM ${table}`).all()
    .filter((r) => repoIds.has((r as unknown as { repo_id: number }).repo_id)).map((r) => r.id));
  return { repoIds, fullNames: new Set(rows.map((r) => r.full_name)), runIds: ids("workflow_runs"), workflowIds: ids("workflows") };
}

beforeAll(async () => {
  sql = await oracle();
  // The served stack, limits included, with budgets no fuzz run exhausts.
  const served = await testApp({
    limits: { tokenRequestsPerHour: 1e9, anonymousRequestsPerHour: 1e9, requestsPerMinute: 1e9 },
    peer: () => "192.0.2.9",
  });
  handle = served.handle;
  routes = served.app.routes.map((r) => r.path).filter((p) => p.includes(":owner"));

  const valid = new Set(demoTokens.filter((t) => t.state === "valid" && t.scopes.some((s) => s.startsWith("repo"))).map((t) => t.token));
  for (const t of demoTokens) hiddenFor.set(t.token, hiddenRepositories(valid.has(t.token) ? t.userId : null));
  hiddenFor.set("", hiddenRepositories(null));

  const repos = sql.query<{ owner: string; name: string }, []>("SELECT a.login AS owner, r.name FROM repositories r JOIN accounts a ON a.id = r.owner_id").all();
  pools.owners = [...new Set(repos.map((r) => r.owner))];
  pools.repos = repos.map((r) => `${r.owner}/${r.name}`);
  pools.runIds = sql.query<{ id: number }, []>("SELECT id FROM workflow_runs ORDER BY random() LIMIT 200").all().map((r) => r.id);
  pools.jobIds = sql.query<{ id: number }, []>("SELECT id FROM workflow_jobs ORDER BY random() LIMIT 200").all().map((r) => r.id);
  pools.coherent = sql.query<Coherent, []>(`
    SELECT a.login AS owner, r.name AS repo, CAST(w.id AS TEXT) AS run, CAST(j.id AS TEXT) AS job,
      CASE WHEN w.id % 2 = 0 THEN CAST(w.workflow_id AS TEXT) ELSE replace(w.workflow_file, rtrim(w.workflow_file, replace(w.workflow_file, '/', '')), '') END AS workflow,
      CAST(w.run_attempt AS TEXT) AS attempt
    FROM workflow_runs w JOIN repositories r ON r.id = w.repo_id JOIN accounts a ON a.id = r.owner_id
    JOIN workflow_jobs j ON j.id = (SELECT min(id) FROM workflow_jobs WHERE run_id = w.id)
    WHERE w.id IN (SELECT id FROM workflow_runs ORDER BY random() LIMIT 300)
       OR w.repo_id IN (SELECT id FROM repositories WHERE id < 1000)`).all();
  pools.workflows = sql.query<{ id: number; path: string }, []>("SELECT id, path FROM workflows").all()
    .flatMap((w) => [String(w.id), w.path.split("/").at(-1)!]);
});

// ---- generators -------------------------------------------------------------------------

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("", " ", "..", ".", "%", "%zz", "%00", "%2e%2e", "%2F", "null", "undefined", "NaN", "-1", "0", "1e400",
    "0x10", "9007199254740993", "１２３", "true", "[]", "{}", "'", "\"", "\\", "a".repeat(3000), "💥", "\u0000", "\ud800"),
);
/** encodeURIComponent, for any string (a lone surrogate becomes U+FFFD, as a client's encoder would make it). */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
const number = fc.oneof(fc.integer(), fc.double().map(String), fc.bigInt().map(String), fc.constantFrom("-0", "+1", " 5", "5 ", "0005"));

/** A path segment: a real value (so that routes are reached), or anything at all, encoded or not. */
function segment(real: () => string[]) {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(null).map(() => real()).chain((values) => fc.constantFrom(...values)) },
    { weight: 2, arbitrary: oddText.map(encode) },
    { weight: 1, arbitrary: oddText.map((s) => s.replace(/[/?#]/g, "")) },
    { weight: 1, arbitrary: number.map(String) },
  );
}

const queryKeys = ["per_page", "page", "status", "conclusion", "event", "actor", "branch", "head_ref", "head_sha", "created",
  "exclude_pull_requests", "check_suite_id", "filter", "workflow_file", "attempt", "q", "per_page[]", "page[0]", "__proto__", "constructor"];
const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 10 })), fc.oneof(oddText, number.map(String))), { maxLength: 6 })
  .chain((pairs) => fc.boolean().map((raw) => pairs.map(([k, v]) => (raw ? `${k}=${v.replace(/[#\s]/g, "")}` : `${encode(k)}=${encode(v)}`)).join("&")));

const credential = fc.oneof(
  { weight: 5, arbitrary: fc.constant(null).map(() => demoTokens.map((t) => t.token)).chain((ts) => fc.constantFrom(...ts)) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `junk${s}`) },
);
const authorization = (token: string) => fc.oneof(
  { weight: 6, arbitrary: fc.constant(token === "" ? null : `token ${token}`) },
  { weight: 2, arbitrary: fc.constant(token === "" ? null : `Bearer ${token}`) },
  { weight: 1, arbitrary: fc.constantFrom(`TOKEN  ${token}`, `Basic ${btoa(`x:${token}`)}`, `token ${token} extra`, "token", "Bearer ", "") },
);
const headerValue = fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, "").trim());
const extraHeaders = fc.dictionary(
  fc.constantFrom("accept", "if-none-match", "if-modified-since", "x-request-id", "x-github-api-version", "user-agent", "x-forwarded-for", "accept-encoding", "content-type", "x-padding"),
  fc.oneof(
    { weight: 24, arbitrary: headerValue },
    { weight: 12, arbitrary: fc.constantFrom("*", "W/\"x\"", "application/vnd.github+json", "2022-11-28", "gzip", "gzip;q=0", "br, gzip;q=0.5") },
    { weight: 1, arbitrary: fc.constantFrom("x".repeat(9000), "y".repeat(100)) },
  ),
  { maxKeys: 4 },
);
const method = fc.oneof({ weight: 8, arbitrary: fc.constant("GET") }, { weight: 1, arbitrary: fc.constantFrom("HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS") });

/** A run as it exists: its repository, a job, its workflow. Paths built from one reach the handlers. */
interface Coherent { owner: string; repo: string; run: string; job: string; workflow: string; attempt: string }

const coherent = fc.constant(null).map(() => pools.coherent).chain((all) => fc.constantFrom(...all));

/** Each parameter: the coherent value mostly, else another real one, else anything. */
function param(own: string, real: () => string[]) {
  return fc.oneof({ weight: 6, arbitrary: fc.constant(own) }, { weight: 2, arbitrary: segment(real) });
}

function fillRoute(route: string, c: Coherent) {
  const parts = route.split("/").map((p) => {
    switch (p) {
      case ":owner": return param(c.owner, () => pools.owners);
      case ":repo": return param(c.repo, () => pools.repos.map((r) => r.split("/")[1]!));
      case ":run_id": case ":check_run_id": return param(c.run, () => pools.runIds.map(String));
      case ":job_id": return param(c.job, () => pools.jobIds.map(String));
      case ":workflow_id": return param(c.workflow, () => pools.workflows);
      case ":attempt_number": return param(c.attempt, () => ["1", "2", "3", "0"]);
      default: return fc.constant(p);
    }
  });
  return fc.tuple(...parts).map((segments) => segments.join("/"));
}

const routedPath = fc.tuple(fc.constant(null).map(() => routes).chain((rs) => fc.constantFrom(...rs)), coherent)
  .chain(([route, c]) => fillRoute(route, c));

const anyPath = fc.oneof(
  { weight: 6, arbitrary: routedPath },
  { weight: 1, arbitrary: fc.array(oddText.map(encode), { maxLength: 8 }).map((s) => `/${s.join("/")}`) },
  { weight: 1, arbitrary: fc.constantFrom("/api/v1", "/api/v3", "/repos", "/api/v3/repos/a/b/actions", "//", "/api/v1//repos", "/metrics", "/healthz") },
);

const generatedRequest = fc.record({ path: anyPath, query, token: credential, method, headers: extraHeaders })
  .chain((r) => authorization(r.token).map((auth) => ({ ...r, auth })));

// ---- properties -------------------------------------------------------------------------

/** Every object in a JSON body that names a run, job, workflow or repository. */
function leaks(body: unknown, hidden: Hidden): string[] {
  const found: string[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (v === null || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if ("run_number" in o && hidden.runIds.has(o.id as number)) found.push(`run ${o.id}`);
    if (typeof o.run_id === "number" && hidden.runIds.has(o.run_id)) found.push(`job of run ${o.run_id}`);
    if (typeof o.repository_id === "number" && hidden.repoIds.has(o.repository_id)) found.push(`repository ${o.repository_id}`);
    if (typeof o.full_name === "string" && hidden.fullNames.has(o.full_name.toLowerCase())) found.push(o.full_name);
    if ("badge_url" in o && hidden.workflowIds.has(o.id as number)) found.push(`workflow ${o.id}`);
    Object.values(o).forEach(visit);
  };
  visit(body);
  return found;
}

function build(r: { path: string; query: string; method: string; headers: Record<string, string>; auth: string | null }): Request | null {
  const headers = new Headers();
  try {
    for (const [k, v] of Object.entries(r.headers)) headers.set(k, v);
    if (r.auth !== null) headers.set("authorization", r.auth);
    return new Request(`http://localhost${r.path}${r.query ? `?${r.query}` : ""}`, { method: r.method, headers });
  } catch {
    return null; // Not a request any client could send (an invalid URL or header).
  }
}

async function check(r: Parameters<typeof build>[0] & { token: string }): Promise<void> {
  const request = build(r);
  if (request === null) return;
  const res = await handle(request);
  const where = `${r.method} ${r.path}?${r.query} (${r.auth}) → ${res.status}`;
  expect(res.status, where).toBeLessThan(500);
  expect(res.headers.get("x-request-id"), where).toBeTruthy();
  const bytes = await res.bytes();
  // A HEAD answer names the encoding its GET would have, and has no body to decode.
  const gzipped = res.headers.get("content-encoding") === "gzip" && !(r.method === "HEAD" && bytes.length === 0);
  const text = gzipped ? gunzipSync(bytes).toString("utf8") : new TextDecoder().decode(bytes);
  if (res.status === 304) expect(text, where).toBe("");
  // HEAD: Bun sends no body on the wire; in-process an error may still carry its JSON.
  if (text === "" && (r.method === "HEAD" || res.status === 304)) return;
  const metrics = res.status === 200 && new URL(request.url).pathname === "/metrics";
  expect(res.headers.get("content-type") ?? "", where).toContain(metrics ? "text/plain" : "application/json");
  if (metrics) return;
  const body = JSON.parse(text) as unknown;
  if (res.status >= 400) {
    expect(typeof (body as { message?: unknown }).message, where).toBe("string");
    return;
  }
  const hidden = hiddenFor.get(r.token) ?? hiddenFor.get("")!;
  expect(leaks(body, hidden), where).toEqual([]);
}

describe("generated requests", () => {
  test("every route: no 5xx, JSON errors with a message, no data the token may not read", async () => {
    await fc.assert(fc.asyncProperty(generatedRequest, check), { numRuns: 4000 });
  }, walksEveryRoute);

  test("frank's token, aimed at alice/secret-project on every route, never returns its runs", async () => {
    const secret = sql.query<{ id: number }, []>(
      "SELECT w.id FROM workflow_runs w JOIN repositories r ON r.id = w.repo_id JOIN accounts a ON a.id = r.owner_id WHERE a.login = 'alice' AND r.name = 'secret-project'",
    ).all().map((r) => String(r.id));
    expect(secret.length).toBeGreaterThan(0);
    const aimed = fc.record({
      route: fc.constantFrom(...routes),
      runId: fc.constantFrom(...secret),
      spelling: fc.constantFrom("alice/secret-project", "ALICE/Secret-Project", "alice/secret-project%20", "alice/secret%2Dproject", "Alice/SECRET-PROJECT"),
      query,
      headers: extraHeaders,
    });
    await fc.assert(fc.asyncProperty(aimed, async ({ route, runId, spelling, query: q, headers }) => {
      const [owner, repo] = spelling.split("/");
      const path = route.replace(":owner", owner!).replace(":repo", repo!).replace(/:run_id|:check_run_id|:job_id|:workflow_id/, runId).replace(":attempt_number", "1");
      const request = build({ path, query: q, method: "GET", headers, auth: "token demo_frank_read" });
      if (request === null) return;
      const res = await handle(request);
      const text = await res.text();
      expect(res.status, `${path}?${q}`).not.toBe(200);
      for (const id of secret) expect(text).not.toContain(`"id":${id},`);
    }), { numRuns: 600 });
  }, walksEveryRoute);
});
