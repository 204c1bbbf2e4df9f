// Remembered answers are only ever served for the data they were computed from: a write by
// another connection (the sync) changes the very next answer, its ETag and its 304s.
import { beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { testApp } from "../support/app.ts";
import { locksHeldOn, seededCopy } from "../support/db.ts";
import { existsSync } from "node:fs";

let path: string;
let app: Awaited<ReturnType<typeof testApp>>["app"];
const headers = { authorization: "token demo_alice_repo" };
const get = (p: string, extra: Record<string, string> = {}) =>
  app.handle(new Request(`http://localhost${p}`, { headers: { ...headers, ...extra } }));

beforeAll(async () => {
  path = await seededCopy();
  ({ app } = await testApp({ db: path }));
});

function write(sql: string, ...params: (string | number)[]) {
  const db = new Database(path);
  db.run("PRAGMA busy_timeout = 5000");
  db.query(sql).run(...params);
  db.close();
}

for (const surface of ["/api/v1/repos/alice/hello-world/actions/runs", "/api/v3/repos/alice/hello-world/actions/runs"]) {
  test(`${surface}: a change by another connection is in the next answer`, async () => {
    const first = await get(`${surface}?per_page=3`);
    const again = await get(`${surface}?per_page=3`);
    const tag = first.headers.get("etag")!;
    expect(again.headers.get("etag")).toBe(tag);
    expect(await again.text()).toBe(await first.text());
    expect((await get(`${surface}?per_page=3`, { "if-none-match": tag })).status).toBe(304);

    const newest = (await (await get("/api/v1/repos/alice/hello-world/actions/runs?per_page=1")).json() as { id: number }[])[0]!.id;
    const title = `changed ${crypto.randomUUID()}`;
    write("UPDATE workflow_runs SET display_title = ?, updated_at = updated_at + 1 WHERE id = ?", title, newest);

    const after = await get(`${surface}?per_page=3`);
    expect(after.headers.get("etag")).not.toBe(tag);
    expect(await after.text()).toContain(title);
    const stale = await get(`${surface}?per_page=3`, { "if-none-match": tag });
    expect(stale.status).toBe(200);
  });
}

test("a new run changes the total and the Link of a cached listing", async () => {
  const before = await get("/api/v1/repos/alice/hello-world/actions/runs?per_page=100");
  const total = Number(before.headers.get("x-total-count"));
  write(`INSERT INTO workflow_runs (id, repo_id, workflow_id, run_number, run_attempt, workflow_file, workflow_name, display_title,
           head_sha, head_ref, event, status, conclusion, actor_id, created_at, updated_at)
         SELECT 99000001, repo_id, workflow_id, 9999, 1, workflow_file, workflow_name, 'brand new', head_sha, head_ref, event,
           'queued', NULL, actor_id, created_at + 1000, updated_at + 1000 FROM workflow_runs WHERE repo_id = 1 ORDER BY created_at DESC LIMIT 1`);
  const after = await get("/api/v1/repos/alice/hello-world/actions/runs?per_page=100");
  expect(Number(after.headers.get("x-total-count"))).toBe(total + 1);
  const ids = (await after.json() as { id: number }[]).map((r) => r.id);
  expect(ids[0]).toBe(99000001);
});

test("authorization is decided on every request, cached or not", async () => {
  const path = "/api/v1/repos/alice/secret-project/actions/runs";
  expect((await get(path)).status).toBe(200);
  expect((await get(path)).status).toBe(200);
  const outsider = await app.handle(new Request(`http://localhost${path}`, { headers: { authorization: "token demo_frank_read" } }));
  expect(outsider.status).toBe(404);
  const nobody = await app.handle(new Request(`http://localhost${path}`));
  expect(nobody.status).toBe(401);
});

test("revoking a token or removing a collaborator takes effect on the very next request", async () => {
  const bob = { authorization: "token demo_bob_read" };
  const secret = "/api/v1/repos/alice/secret-project/actions/runs";
  const asBob = () => app.handle(new Request(`http://localhost${secret}`, { headers: bob }));
  expect((await asBob()).status).toBe(200);
  expect((await asBob()).status).toBe(200);
  write("DELETE FROM repo_collaborators WHERE repo_id = (SELECT id FROM repositories WHERE name = 'secret-project')");
  expect((await asBob()).status).toBe(404);

  const alice = () => get("/api/v1/repos/alice/hello-world/actions/runs?per_page=1");
  expect((await alice()).status).toBe(200);
  write("UPDATE personal_access_tokens SET revoked_at = 1 WHERE token_hash = ?", new Bun.CryptoHasher("sha256").update("demo_alice_repo").digest("hex"));
  expect((await alice()).status).toBe(401);
});

test("every commit by another connection is seen by the very next request, across checkpoints that restart the WAL", async () => {
  // Its own token: the test before revoked alice's.
  const asErin = (p: string, extra: Record<string, string> = {}) =>
    app.handle(new Request(`http://localhost${p}`, { headers: { authorization: "token demo_erin_admin", ...extra } }));
  const newest = (await (await asErin("/api/v1/repos/alice/hello-world/actions/runs?per_page=1")).json() as { id: number }[])[0]!.id;
  const url = `/api/v3/repos/alice/hello-world/actions/runs/${newest}`;
  const writer = new Database(path);
  writer.run("PRAGMA busy_timeout = 5000");
  const rename = writer.query("UPDATE workflow_runs SET display_title = ? WHERE id = ?");
  let tag = (await asErin(url)).headers.get("etag")!;
  try {
    for (let i = 0; i < 300; i++) {
      // Sometimes the log is emptied, so that the next commit writes the WAL from its start again.
      if (i % 40 === 20) writer.run("PRAGMA wal_checkpoint(TRUNCATE)");
      rename.run(`round ${i}`, newest);
      const polled = await asErin(url, { "if-none-match": tag });
      expect(polled.status).toBe(200);
      expect(((await polled.json()) as { display_title: string }).display_title).toBe(`round ${i}`);
      tag = polled.headers.get("etag")!;
      expect((await asErin(url, { "if-none-match": tag })).status).toBe(304);
    }
  } finally {
    writer.close();
  }
});

test.skipIf(!existsSync("/proc/locks"))("watching for commits keeps SQLite's lock on the shared-memory file", async () => {
  // Closing any descriptor of a file drops every POSIX lock the process holds on it: a watcher
  // that opened and closed the -shm file would let another process truncate it under us.
  const opened = openDatabaseFile(path);
  for (let i = 0; i < 100; i++) opened.dataVersion();
  Bun.gc(true);
  expect(locksHeldOn(`${path}-shm`)).toBeGreaterThan(0);
});
