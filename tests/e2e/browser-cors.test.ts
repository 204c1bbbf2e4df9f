// A dashboard in a real browser: a page served from one origin calls the API on another with
// a token (so the browser sends a preflight first), reads the body and the headers a client
// pages and polls with, and a page from an origin that --cors-origins leaves out is refused.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { requireTool } from "../support/tools.ts";
import { tempDir } from "../support/temp.ts";

const chromium = requireTool("chromium", ["chromium", "chromium-browser", "google-chrome"]);
let open: RunningServer;
let narrowed: RunningServer;
let page: ReturnType<typeof Bun.serve>;
const profiles: string[] = [];

/** The dashboard: it fetches `api` with a token and writes what it could read into the page. */
const dashboard = `<!doctype html><meta charset="utf-8"><title>dashboard</title><pre id="out">waiting</pre>
<script>
const api = new URLSearchParams(location.search).get("api");
fetch(api + "/api/v3/repos/alice/hello-world/actions/runs?per_page=2", { headers: { Authorization: "token demo_alice_repo" } })
  .then(async (r) => {
    const body = await r.json();
    const read = (h) => r.headers.get(h);
    document.getElementById("out").textContent = "RESULT " + JSON.stringify({
      status: r.status, runs: body.workflow_runs.length, total: body.total_count,
      link: read("link"), etag: read("etag"), requestId: read("x-request-id"), remaining: read("x-ratelimit-remaining"),
    });
  })
  .catch((e) => { document.getElementById("out").textContent = "RESULT " + JSON.stringify({ error: String(e) }); });
</script>`;

beforeAll(async () => {
  if (!chromium) return;
  page = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(dashboard, { headers: { "content-type": "text/html; charset=utf-8" } }) });
  open = await startServer([]);
  narrowed = await startServer(["--cors-origins", "https://dash.example"]);
});

afterAll(async () => {
  page?.stop(true);
  await open?.stop();
  await narrowed?.stop();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

async function visit(api: string): Promise<Record<string, unknown>> {
  const profile = tempDir("chromium");
  profiles.push(profile);
  const proc = Bun.spawn([
    chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--user-data-dir=${profile}`,
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=10000", "--dump-dom",
    `http://127.0.0.1:${page.port}/?api=${encodeURIComponent(api)}`,
  ], { stdout: "pipe", stderr: "pipe" });
  const dom = await new Response(proc.stdout).text();
  await proc.exited;
  const result = /RESULT (\{.*?\})<\/pre>/.exec(dom.replaceAll("&quot;", '"').replaceAll("&amp;", "&"))?.[1];
  if (result === undefined) throw new Error(`the page did not finish: ${dom.slice(0, 500)}`);
  return JSON.parse(result) as Record<string, unknown>;
}

test.skipIf(!chromium)("a page on another origin reads the runs and the headers it pages and polls with", async () => {
  const seen = await visit(open.url!);
  expect(seen).toMatchObject({ status: 200, runs: 2, total: 260 });
  expect(seen.link).toContain(`${open.url}/api/v3/repos/alice/hello-world/actions/runs?per_page=2&page=2`);
  expect(seen.etag).toMatch(/^W\/"[0-9a-f]+"$/);
  expect(seen.requestId).toBeTruthy();
  expect(Number(seen.remaining)).toBeGreaterThan(0);
}, 60_000);

test.skipIf(!chromium)("with --cors-origins, a page from any other origin cannot read the answers", async () => {
  const seen = await visit(narrowed.url!);
  expect(seen.error).toMatch(/Failed to fetch/);
  // The preflight itself is answered (without a token), only without leave to read.
  const preflight = await fetch(`${narrowed.url}/api/v3/repos/alice/hello-world/actions/runs`, {
    method: "OPTIONS",
    headers: { origin: `http://127.0.0.1:${page.port}`, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
}, 60_000);
