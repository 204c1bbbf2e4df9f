// A remembered answer is served ahead of the router, so it must be indistinguishable from
// the router's: same status, headers and body for every route, every token state and every
// repository state, conditional or not. Each answer of an app that remembers is compared with
// the answer of an app that remembers nothing, over the same database.
import { beforeAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { demoTokens } from "../../src/seed/fixtures.ts";
import { acceptsGzip } from "../../src/http/encoding.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { testApp } from "../support/app.ts";
import { oracle } from "../support/db.ts";
import { walksEveryRoute } from "../support/timeouts.ts";

type Handle = (request: Request) => Response | Promise<Response>;
let remembering: Handle;
let forgetful: Handle;
const urls: string[] = [];

beforeAll(async () => {
  // The production stack, limits and logs included, once remembering answers and once not.
  // No hourly budgets: each app keeps its own ledgers, so their rate-limit headers would differ.
  const build = async (responseCacheBytes: number): Promise<Handle> => {
    const { handle } = await testApp({
      responseCacheBytes,
      limits: { tokenRequestsPerHour: 0, anonymousRequestsPerHour: 0, requestsPerMinute: 1e9 },
      logger: createLogger({ level: "info", format: "json", sink: { write() {}, flush() {} } }),
    });
    return handle;
  };
  remembering = await build(64 * 1024 * 1024);
  forgetful = await build(0);

  const sql = await oracle();
  for (const repo of ["alice/hello-world", "alice/secret-project", "octo-org/infra", "acme/website"]) {
    const [owner, name] = repo.split("/");
    const run = sql.query<{ id: number; workflow_id: number; job: number | null }, [string, string]>(`
      SELECT w.id, w.workflow_id, (SELECT j.id FROM workflow_jobs j WHERE j.run_id = w.id LIMIT 1) AS job
      FROM workflow_runs w JOIN repositories r ON r.id = w.repo_id JOIN accounts a ON a.id = r.owner_id
      WHERE a.login = ? AND r.name = ? ORDER BY w.run_attempt DESC, w.id LIMIT 1`).get(owner!, name!);
    const runId = run?.id ?? 1;
    const gh = `/repos/${repo}/actions`;
    urls.push(
      `/api/v1${gh}/runs`, `/api/v1${gh}/runs?limit=3&page=2&status=completed`, `/api/v1${gh}/runs/${runId}`, `/api/v1${gh}/runs/${runId}/jobs`,
      `/api/v3${gh}/runs?per_page=5`, `/api/v3${gh}/runs?status=success&branch=main`, `/api/v3${gh}/runs/${runId}`,
      `/api/v3${gh}/runs/${runId}/jobs?filter=all`, `/api/v3${gh}/runs/${runId}/attempts/1`, `/api/v3${gh}/runs/${runId}/artifacts`,
      `/api/v3${gh}/jobs/${run?.job ?? 1}`, `/api/v3${gh}/workflows`, `/api/v3${gh}/workflows/${run?.workflow_id ?? 1}/runs?per_page=2`,
      `${gh}/runs/${runId}/jobs`, `${gh}/runs?page=999`, `${gh}/runs/999999999`,
    );
  }
  sql.close();
});

/** What a client can observe of an answer, apart from what differs on every request (a gzip body decoded). */
async function observed(response: Response) {
  const headers = [...response.headers.entries()].filter(([name]) => name !== "x-request-id" && name !== "date").sort();
  const bytes = await response.bytes();
  const body = response.headers.get("content-encoding") === "gzip" ? gunzipSync(bytes).toString("utf8") : new TextDecoder().decode(bytes);
  return { status: response.status, headers, body };
}

const get = (handle: Handle, url: string, headers: Record<string, string>) =>
  Promise.resolve(handle(new Request(`http://localhost${url}`, { headers })));

const credentials: [string, Record<string, string>][] = [
  ["no token", {}],
  ...demoTokens.map((t): [string, Record<string, string>] => [t.token, { authorization: `token ${t.token}` }]),
  // As gh sends it: large answers come back gzip-encoded.
  ["demo_alice_repo, gzip", { authorization: "token demo_alice_repo", "accept-encoding": "gzip" }],
  ["demo_bob_read, gzip refused", { authorization: "token demo_bob_read", "accept-encoding": "gzip;q=0, identity" }],
];

describe("gzip", () => {
  test("Accept-Encoding is read as HTTP says: names, q-values, wildcards", () => {
    for (const yes of ["gzip", "GZIP", "deflate, gzip", "gzip;q=0.5", "x-gzip", "*", "br;q=1, *;q=0.1", "gzip, deflate, br"]) expect(acceptsGzip(yes), yes).toBe(true);
    for (const no of [null, "", "identity", "br", "gzip;q=0", "gzip; q=0.000, br", "deflate"]) expect(acceptsGzip(no), String(no)).toBe(false);
  });

  test("a large answer is gzip-encoded for a client that accepts it, and decodes to the same JSON", async () => {
    const url = urls[4]!;
    const headers = { authorization: "token demo_alice_repo" };
    for (const handle of [forgetful, remembering, remembering]) {
      const plain = await get(handle, url, headers);
      const zipped = await get(handle, url, { ...headers, "accept-encoding": "gzip" });
      expect(zipped.headers.get("content-encoding")).toBe("gzip");
      expect(plain.headers.get("content-encoding")).toBeNull();
      expect(zipped.headers.get("etag")).toBe(plain.headers.get("etag"));
      expect(plain.headers.get("vary")).toContain("Accept-Encoding");
      const bytes = await zipped.bytes();
      const text = await plain.text();
      expect(bytes.byteLength).toBeLessThan(text.length / 4);
      expect(gunzipSync(bytes).toString("utf8")).toBe(text);
    }
    // Small answers (one run of /api/v1, under 1 KB) are not worth it.
    const small = await get(remembering, urls[2]!, { ...headers, "accept-encoding": "gzip" });
    expect(small.status).toBe(200);
    expect((await small.clone().text()).length).toBeLessThan(1024);
    expect(small.headers.get("content-encoding")).toBeNull();
  });
});

describe("remembered answers", () => {
  test("are the router's answers, byte for byte, for every route, token and repository", async () => {
    let remembered = 0;
    for (const url of urls) {
      // The admin's request files the answer (when there is one to file); every other caller then meets it.
      await get(remembering, url, { authorization: "token demo_erin_admin" });
      for (const [who, headers] of credentials) {
        const fresh = await observed(await get(forgetful, url, headers));
        const hit = await observed(await get(remembering, url, headers));
        expect(hit, `${who} GET ${url}`).toEqual(fresh);
        if (fresh.status !== 200) continue;
        remembered++;
        const tag = fresh.headers.find(([name]) => name === "etag")![1];
        for (const match of [tag, `"nope", ${tag}`, tag.replace(/^W\//, ""), '"other"']) {
          const conditional = { ...headers, "if-none-match": match };
          expect(await observed(await get(remembering, url, conditional)), `${who} GET ${url} If-None-Match: ${match}`)
            .toEqual(await observed(await get(forgetful, url, conditional)));
        }
      }
    }
    // The comparison is only worth something if many answers were remembered ones, gzipped ones among them.
    expect(remembered).toBeGreaterThan(200);
    const listing = await get(remembering, urls[4]!, { authorization: "token demo_alice_repo", "accept-encoding": "gzip" });
    expect(listing.headers.get("content-encoding")).toBe("gzip");
  }, walksEveryRoute);

  test("a HEAD or another method is never answered from memory", async () => {
    const url = urls[0]!;
    const headers = { authorization: "token demo_erin_admin" };
    await get(remembering, url, headers);
    for (const method of ["HEAD", "POST", "DELETE"]) {
      const request = (handle: Handle) => Promise.resolve(handle(new Request(`http://localhost${url}`, { method, headers })));
      expect(await observed(await request(remembering)), method).toEqual(await observed(await request(forgetful)));
    }
  });
});
