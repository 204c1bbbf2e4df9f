// Swagger UI in a real browser, with every host but the service unreachable: the page
// must render the API from files served by the executable itself.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { ownProcess, removeTempDir, tempDir } from "../support/temp.ts";
import { requireTool } from "../support/tools.ts";
import { buildsTheExecutable } from "../support/timeouts.ts";

const chromium = requireTool("chromium", ["chromium", "chromium-browser", "google-chrome"]);
let server: RunningServer;

beforeAll(async () => {
  if (chromium) server = await startServer([]);
}, buildsTheExecutable);
afterAll(async () => {
  await server?.stop();
});

test.skipIf(!chromium)("Swagger UI renders offline", async () => {
  const profile = tempDir("chromium");
  const proc = Bun.spawn([
    chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--user-data-dir=${profile}`,
    // Any host other than the service fails to resolve: no CDN can rescue the page.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=15000", "--run-all-compositor-stages-before-draw",
    "--dump-dom", `${server.url}/openapi`,
  ], { stdout: "pipe", stderr: "pipe", env: { ...process.env, TMPDIR: profile } });
  ownProcess(proc);
  const dom = await new Response(proc.stdout).text();
  await proc.exited;
  removeTempDir(profile);
  expect(dom).toContain("swagger-ui");
  expect(dom).toContain("List a repository's workflow runs");
  expect(dom).toContain("/api/v1/repos/{owner}/{repo}/actions/runs/{run_id}/jobs");
}, buildsTheExecutable);
