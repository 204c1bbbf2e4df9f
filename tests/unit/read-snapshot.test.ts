// The store's read snapshots (src/store/snapshot.ts): what one request reads is of one commit,
// and the snapshot is let go before its answer is handed back, so that a writer can still
// reset the WAL of a file the service reads.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createApp } from "../../src/http/app.ts";
import { bunCodec } from "../../src/runtime/bun/codec.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { embeddedDocsAssets } from "../../src/runtime/bun/embedded.ts";
import type { BunOpenedDatabase } from "../../src/runtime/bun/database.ts";
import { createStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { seededCopy } from "../support/db.ts";

let writer: Database;
let opened: BunOpenedDatabase;
let store: Store;
let repoId: number;

beforeAll(async () => {
  const path = await seededCopy();
  writer = new Database(path);
  // No waiting: a checkpoint that a reader holds up says so at once.
  writer.run("PRAGMA busy_timeout = 0");
  opened = openDatabaseFile(path);
  store = createStore(opened.db, opened.readTransaction);
  repoId = writer.query<{ repo_id: number }, []>("SELECT repo_id FROM workflow_runs GROUP BY repo_id ORDER BY count(*) DESC LIMIT 1").get()!.repo_id;
});

afterAll(() => {
  opened.close();
  writer.close();
});

// A test that failed half-way leaves no snapshot open for the next.
afterEach(() => store.readDone());

/** A new run of the repository, committed by the writer; its id. */
function commitRun(): number {
  const row = writer.query<{ id: number }, [number]>(`INSERT INTO workflow_runs
    (id, repo_id, workflow_id, run_number, run_attempt, workflow_file, workflow_name, display_title, head_sha, head_ref, event, status, conclusion, actor_id, triggering_actor_id, started_at, completed_at, created_at, updated_at)
    SELECT (SELECT max(id) FROM workflow_runs) + 1, repo_id, workflow_id, run_number + 100000, 1, workflow_file, workflow_name, 'snapshot test', head_sha, head_ref, event, status, conclusion, actor_id, triggering_actor_id, started_at, completed_at, created_at + 1000, updated_at
    FROM workflow_runs WHERE repo_id = ? ORDER BY created_at DESC LIMIT 1 RETURNING id`).get(repoId)!;
  return row.id;
}
/** A writer's checkpoint that resets the WAL: it cannot while a reader holds a snapshot of it. */
function walReset(): boolean {
  const [result] = writer.query<{ busy: number; log: number }, []>("PRAGMA wal_checkpoint(TRUNCATE)").all();
  return result!.busy === 0 && result!.log === 0;
}

describe("read snapshots", () => {
  test("what one request reads is of one commit; the next request reads the newer one", () => {
    const version = opened.dataVersion();
    store.readAt(version);
    const before = store.listRuns(repoId, {}, { limit: 1, offset: 0 }, version);
    const id = commitRun();
    // Committed while the request is being answered: not in its answer, page and total alike.
    const same = store.listRuns(repoId, {}, { limit: 1, offset: 0 }, version);
    expect(same.total).toBe(before.total);
    expect(same.runs[0]!.id).toBe(before.runs[0]!.id);
    expect(store.getRun(repoId, id, version)).toBeNull();
    store.readDone();
    const newer = opened.dataVersion();
    expect(newer).not.toBe(version);
    store.readAt(newer);
    const after = store.listRuns(repoId, {}, { limit: 1, offset: 0 }, newer);
    expect(after.total).toBe(before.total + 1);
    expect(after.runs[0]!.id).toBe(id);
    expect(store.getRun(repoId, id, newer)?.displayTitle).toBe("snapshot test");
    store.readDone();
  });

  test("held only while a request is answered: a writer can reset the WAL before and after", () => {
    commitRun();
    const version = opened.dataVersion();
    store.readAt(version);
    // Begun, nothing read yet: no snapshot is taken until the first statement.
    expect(walReset()).toBe(true);
    commitRun();
    store.listRuns(repoId, {}, { limit: 30, offset: 0 }, version);
    expect(walReset()).toBe(false);
    store.readDone();
    expect(walReset()).toBe(true);
  });

  test("a transaction left open on the connection is ended, not read from by every later request", () => {
    // As after a COMMIT that failed: the connection is still in a transaction, at an old snapshot.
    opened.sqlite.run("BEGIN");
    store.getRun(repoId, 1, opened.dataVersion());
    const id = commitRun();
    const version = opened.dataVersion();
    store.readAt(version);
    expect(store.getRun(repoId, id, version)?.id).toBe(id);
    store.readDone();
    expect(opened.sqlite.inTransaction).toBe(false);
    expect(walReset()).toBe(true);
  });

  test("a database without a change signal is read statement by statement", () => {
    commitRun();
    store.readAt(null);
    store.listRuns(repoId, {}, { limit: 30, offset: 0 }, null);
    expect(walReset()).toBe(true);
    store.readDone();
  });

  test("through the app: every request lets go of its snapshot, whatever it answers", async () => {
    const app = createApp({ store, dataVersion: opened.dataVersion, docsAssets: embeddedDocsAssets, codec: bunCodec, responseCacheBytes: 0 });
    const { login: owner, name } = writer.query<{ login: string; name: string }, [number]>(
      "SELECT a.login, r.name FROM repositories r JOIN accounts a ON a.id = r.owner_id WHERE r.id = ?").get(repoId)!;
    const paths = [
      `/api/v1/repos/${owner}/${name}/actions/runs`,
      `/api/v3/repos/${owner}/${name}/actions/runs?per_page=2&page=3`,
      `/api/v3/repos/${owner}/${name}/actions/runs/1/jobs`,
      `/api/v3/repos/${owner}/${name}/actions/runs?per_page=bad`,
      "/api/v3/repos/nobody/nothing/actions/runs",
    ];
    for (const token of ["demo_erin_admin", "not-a-token", null]) {
      for (const path of paths) {
        commitRun();
        const headers: Record<string, string> = token ? { authorization: `token ${token}` } : {};
        const answer = await app.handle(new Request(`http://localhost${path}`, { headers }));
        expect(answer.status).toBeLessThan(500);
        expect(walReset(), `${token} ${path}`).toBe(true);
      }
    }
  });
});
