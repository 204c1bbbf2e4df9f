// One process is the whole service: the compiled executable with --sync-from follows a real
// PostgreSQL into its SQLite file while it serves, and /readyz says how fresh the data is.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { join } from "node:path";
import { seedPostgres } from "../../src/seed/postgres.ts";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { postgresForTests, startTestPostgres } from "../support/postgres.ts";
import type { TestDatabase, TestPostgres } from "../support/postgres.ts";
import { removeTempDir, tempDir } from "../support/temp.ts";
import { buildsTheExecutable, startsPostgres } from "../support/timeouts.ts";
import { until } from "../support/tools.ts";

const { binaries } = postgresForTests();
let pg: TestPostgres;
let db: TestDatabase;
let server: RunningServer;
let file: string;
let dir: string | undefined;
const auth = { authorization: "token demo_alice_repo" };
const runs = "/api/v1/repos/alice/hello-world/actions/runs";

beforeAll(async () => {
  if (!binaries) return;
  pg = await startTestPostgres(binaries);
  db = await pg.createDatabase("serve_sync");
  await seedPostgres(db.adminUrl, { repos: 5, runs: 200, seed: 3 });
  dir = tempDir("serve-sync");
  file = join(dir, "runs.sqlite");
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

test.skipIf(!binaries)("a second server of the same file, without --sync-from, gives the same /readyz and sync metrics", async () => {
  const reader = await startServer(["--db", file]);
  try {
    await until("both ready", async () => ((await fetch(`${reader.url}/readyz`)).status === 200 ? true : undefined));
    const [a, b] = await Promise.all([server, reader].map(async (s) => {
      const res = await fetch(`${s.url}/readyz`);
      const { heartbeat_age_ms: age, ...body } = (await res.json()) as Record<string, unknown>;
      expect(age as number).toBeGreaterThanOrEqual(0);
      return { status: res.status, body };
    }));
    // The same heartbeat, read from the file by each: the same answer, but for its age at the moment of asking.
    expect(b).toEqual(a!);
    expect(a!.body).toMatchObject({ ready: true, sync: "following", reason: null, source: { role: "primary", replication_lag_ms: 0 } });
    for (const s of [server, reader]) {
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).toContain(`actions_runs_sync_state{state="following"} 1`);
      expect(metrics).toMatch(/actions_runs_sync_heartbeat_age_seconds \d/);
      expect(metrics).toContain(`actions_runs_sync_source_role{role="primary"} 1`);
    }
  } finally {
    await reader.stop();
  }
});

test.skipIf(!binaries)("a file nothing syncs (the demo) has no sync figures and is ready", async () => {
  const demo = await startServer([]);
  try {
    const res = await fetch(`${demo.url}/readyz`);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { ready: true, sync: "none" } });
    expect(await (await fetch(`${demo.url}/metrics`)).text()).not.toContain("actions_runs_sync_");
  } finally {
    await demo.stop();
  }
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
  expect(stale).toMatchObject({ ready: false, sync: "source_down", reason: "source_down" });
  expect((await fetch(`${server.url}${runs}`, { headers: auth })).status).toBe(200);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toMatch(/sync/);
  await pg.start();
  await until("ready again", async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined), 30_000);
  expect(server.output().match(/sync_source_down/g)?.length).toBe(1);
});
