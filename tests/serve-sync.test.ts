// One process is the whole service: the compiled executable with --sync-from follows a real
// PostgreSQL into its SQLite file while it serves, and /readyz says how fresh the data is.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { join } from "node:path";
import { seedPostgres } from "../src/seed/postgres.ts";
import { startServer } from "./support/binary.ts";
import type { RunningServer } from "./support/binary.ts";
import { postgresForTests, startTestPostgres } from "./support/postgres.ts";
import { removeTempDir, tempDir } from "./support/temp.ts";
import type { TestDatabase, TestPostgres } from "./support/postgres.ts";
import { buildsTheExecutable, startsPostgres } from "./support/timeouts.ts";

const { binaries } = postgresForTests();
let pg: TestPostgres;
let db: TestDatabase;
let server: RunningServer;
let dir: string | undefined;
const auth = { authorization: "token demo_alice_repo" };
const runs = "/api/v1/repos/alice/hello-world/actions/runs";

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

beforeAll(async () => {
  if (!binaries) return;
  pg = await startTestPostgres(binaries);
  db = await pg.createDatabase("serve_sync");
  await seedPostgres(db.adminUrl, { repos: 5, runs: 200, seed: 3 });
  dir = tempDir("serve-sync");
  const file = join(dir, "runs.sqlite");
  server = await startServer(["--db", file, "--sync-from", db.readerUrl]);
}, startsPostgres + buildsTheExecutable);

afterAll(async () => {
  await server?.stop();
  await pg?.destroy();
  if (dir) removeTempDir(dir);
});

test.skipIf(!binaries)("serves the forge's data once loaded, and /readyz turns ready", async () => {
  await until("ready", async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined));
  const res = await fetch(`${server.url}${runs}?per_page=5`, { headers: auth });
  expect(res.status).toBe(200);
  expect(((await res.json()) as unknown[]).length).toBe(5);
  const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { ready: boolean; sync: string; lag_ms: number };
  expect(ready).toMatchObject({ ready: true, sync: "following" });
  expect(server.output()).not.toContain("reader-s3cret");
});

test.skipIf(!binaries)("changes committed in PostgreSQL reach the answers, cached or not", async () => {
  const admin = new SQL(db.adminUrl, { max: 1 });
  try {
    const [run] = await admin`SELECT r.id FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id
      WHERE p.name = 'hello-world' ORDER BY r.created_at DESC, r.id DESC LIMIT 1`;
    const title = `live ${crypto.randomUUID()}`;
    // A cached answer for this page exists before the change: it must not outlive it.
    await fetch(`${server.url}${runs}/${run.id}`, { headers: auth });
    await admin`UPDATE workflow_runs SET display_title = ${title} WHERE id = ${run.id}`;
    await until("the change", async () => {
      const body = await (await fetch(`${server.url}${runs}/${run.id}`, { headers: auth })).text();
      return body.includes(title) ? true : undefined;
    }, 5_000);

    await admin`DELETE FROM workflow_runs WHERE id = ${run.id}`;
    await until("the delete", async () => ((await fetch(`${server.url}${runs}/${run.id}`, { headers: auth })).status === 404 ? true : undefined), 5_000);
  } finally {
    await admin.close();
  }
});

test.skipIf(!binaries)("with PostgreSQL gone it keeps serving, /readyz says stale, and it catches up when it returns", async () => {
  await pg.kill();
  const stale = await until("stale readiness", async () => {
    const res = await fetch(`${server.url}/readyz`);
    return res.status === 503 ? ((await res.json()) as { ready: boolean; sync: string }) : undefined;
  });
  expect(stale.ready).toBe(false);
  expect((await fetch(`${server.url}${runs}`, { headers: auth })).status).toBe(200);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toMatch(/sync/);
  await pg.start();
  await until("ready again", async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined), 30_000);
  expect(server.output().match(/sync_source_down/g)?.length).toBe(1);
});
