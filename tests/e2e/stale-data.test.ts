// Revocation must not fail open while the sync is broken. The compiled executable follows a
// real PostgreSQL with --sync-from; the sync's role then loses SELECT on one table (so every
// poll fails), and a token is revoked in the forge. The copy can no longer learn of the
// revocation, so once its data is older than --max-staleness every API answer is a 503 that
// says the data is stale; when the grant is back, the sync catches up and the revoked token
// gets its 401.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashToken } from "../../src/auth/tokens.ts";
import { seedPostgres } from "../../src/seed/postgres.ts";
import { serveConfig } from "../../src/config/index.ts";
import { startServer } from "../support/binary.ts";
import { until } from "../support/wait.ts";
import type { RunningServer } from "../support/binary.ts";
import { postgresForTests, readerRole, startTestPostgres } from "../support/postgres.ts";
import type { TestDatabase, TestPostgres } from "../support/postgres.ts";

const { binaries } = postgresForTests();
const maxStalenessSeconds = 3;
let pg: TestPostgres;
let db: TestDatabase;
let server: RunningServer;
let folder: string | undefined;
const secret = "/repos/alice/secret-project/actions/runs?per_page=1";


const get = (path: string, token = "demo_alice_repo") => fetch(`${server.url}${path}`, { headers: { authorization: `token ${token}` } });

beforeAll(async () => {
  if (!binaries) return;
  pg = await startTestPostgres(binaries);
  db = await pg.createDatabase("stale_data");
  await seedPostgres(db.adminUrl, { repos: 3, runs: 100, seed: 5 });
  folder = mkdtempSync(join(tmpdir(), "actions-runs-stale-"));
  const file = join(folder, "runs.sqlite");
  server = await startServer(["--db", file, "--sync-from", db.readerUrl, "--max-staleness", String(maxStalenessSeconds)]);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await pg?.destroy();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test("--max-staleness defaults to 300 s; 0 turns it off", () => {
  expect(serveConfig([], {}).maxStalenessMs).toBe(300_000);
  expect(serveConfig(["--max-staleness", "0"], {}).maxStalenessMs).toBe(0);
  expect(serveConfig([], { ACTIONS_RUNS_MAX_STALENESS: "60" }).maxStalenessMs).toBe(60_000);
});

test.skipIf(!binaries)("a sync refused one table stops the API at --max-staleness; a token revoked meanwhile never reads on", async () => {
  await until("ready", async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined));
  expect((await get(secret)).status).toBe(200);

  const admin = new SQL(db.adminUrl, { max: 1 });
  try {
    await admin.unsafe(`REVOKE SELECT ON workflow_steps FROM ${readerRole}`);
    const brokenAt = Date.now();
    await admin`UPDATE personal_access_tokens SET revoked_at = now(), updated_at = now() WHERE token_hash = ${hashToken("demo_alice_repo")}`;

    // Until the bound, the copy is served as it is (the trade-off --max-staleness sets) ...
    const stale = await until("a 503", async () => {
      const res = await get(secret);
      if (res.status === 503) return res;
      expect(res.status).toBe(200);
      return undefined;
    });
    const after = (Date.now() - brokenAt) / 1000;
    const body = (await stale.json()) as { message: string };
    expect(body.message).toMatch(/^Service Unavailable: the data is stale, last brought up to date \d+ s ago \(at most 3 s allowed\)$/);
    expect(stale.headers.get("content-type")).toContain("application/json");
    expect(after).toBeLessThan(maxStalenessSeconds + 2);
    console.log(`sync refused workflow_steps: the API answered 503 ${after.toFixed(1)} s later (bound ${maxStalenessSeconds} s)`);
    // ... and after it, nothing: every token, every repository, both surfaces.
    for (const [path, token] of [[secret, "demo_alice_repo"], ["/api/v1/repos/alice/hello-world/actions/runs", "demo_bob_read"], ["/api/v3/repos/alice/hello-world/actions/runs/1", "demo_alice_read"]] as const) {
      expect((await get(path, token)).status).toBe(503);
    }
    // The sync said so at once, in one line (permission denied reads as the source being down).
    expect(server.output().match(/"event":"sync_(failing|source_down)"/g)?.length).toBe(1);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    await admin.unsafe(`GRANT SELECT ON workflow_steps TO ${readerRole}`);
    // Caught up: the revocation has arrived, and the token is refused; other tokens read again.
    await until("the revocation", async () => ((await get(secret)).status === 401 ? true : undefined), 30_000);
    expect((await get(secret, "demo_alice_read")).status).toBe(200);
  } finally {
    await admin.close();
  }
}, 90_000);
