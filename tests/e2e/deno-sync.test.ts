// The sync under Deno (the postgres package, node:sqlite) against a real PostgreSQL: its copy
// holds exactly the rows the executable's copy holds, and `serve --sync-from` under Deno
// follows changes and deletes into its answers, rides out PostgreSQL going away, and never
// writes the password to its output.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedPostgres } from "../../src/seed/postgres.ts";
import { copiedTables } from "../../src/sync/tables.ts";
import { compiledExecutable, denoEntry, startDenoServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { postgresForTests, readerPassword, startTestPostgres } from "../support/postgres.ts";
import type { TestDatabase, TestPostgres } from "../support/postgres.ts";
import { until } from "../support/tools.ts";

const { binaries } = postgresForTests();
let pg: TestPostgres;
let db: TestDatabase;
let dir: string;
const auth = { authorization: "token demo_alice_repo" };
const runs = "/api/v1/repos/alice/hello-world/actions/runs";

async function syncOnce(command: string[], file: string): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn([...command, "sync", "--from", db.readerUrl, "--db", file, "--once"], {
    cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }, stdout: "pipe", stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, output: out + err };
}

/** Every copied table's rows, in key order. */
function contents(file: string): Record<string, unknown[][]> {
  const sqlite = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(copiedTables.map((t) => [t.name, sqlite.query(`SELECT ${t.columns.join(", ")} FROM ${t.name} ORDER BY ${t.key.join(", ")}`).values()]));
  } finally {
    sqlite.close();
  }
}

beforeAll(async () => {
  if (!binaries) return;
  dir = mkdtempSync(join(tmpdir(), "actions-runs-deno-sync-"));
  pg = await startTestPostgres(binaries);
  db = await pg.createDatabase("deno_sync");
  await seedPostgres(db.adminUrl, { repos: 5, runs: 300, seed: 7 });
}, 120_000);

afterAll(async () => {
  await pg?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!binaries)("sync --once under Deno makes the copy the executable makes, row for row", async () => {
  const [underDeno, underBun] = [join(dir, "deno.sqlite"), join(dir, "bun.sqlite")];
  const deno = await syncOnce(denoEntry, underDeno);
  expect(deno.code).toBe(0);
  const bun = await syncOnce([await compiledExecutable()], underBun);
  expect(bun.code).toBe(0);
  const [a, b] = [contents(underDeno), contents(underBun)];
  expect(a.workflow_runs!.length).toBeGreaterThan(100);
  expect(a.workflow_steps!.length).toBeGreaterThan(a.workflow_runs!.length);
  for (const t of copiedTables) expect({ table: t.name, rows: a[t.name] }).toEqual({ table: t.name, rows: b[t.name] });
  expect(deno.output).not.toContain(readerPassword);
}, 120_000);

test.skipIf(!binaries)("serve --sync-from under Deno: ready once loaded, changes and deletes reach the answers, and it rides out PostgreSQL going away", async () => {
  const server: RunningServer = await startDenoServer(["--db", join(dir, "served.sqlite"), "--sync-from", db.readerUrl], { HOME: process.env.HOME ?? "" });
  const admin = new SQL(db.adminUrl, { max: 1 });
  try {
    await until("ready", async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined), 60_000);
    const [run] = await admin`SELECT r.id FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id
      WHERE p.name = 'hello-world' ORDER BY r.created_at DESC, r.id DESC LIMIT 1`;
    const title = `live under Deno ${crypto.randomUUID()}`;
    expect((await fetch(`${server.url}${runs}/${run.id}`, { headers: auth })).status).toBe(200);
    await admin`UPDATE workflow_runs SET display_title = ${title} WHERE id = ${run.id}`;
    await until("the change", async () => ((await (await fetch(`${server.url}${runs}/${run.id}`, { headers: auth })).text()).includes(title) ? true : undefined), 10_000);
    await admin`DELETE FROM workflow_runs WHERE id = ${run.id}`;
    await until("the delete", async () => ((await fetch(`${server.url}${runs}/${run.id}`, { headers: auth })).status === 404 ? true : undefined), 10_000);
    await admin.close();

    // PostgreSQL gone: it keeps serving, /readyz says so; back: it catches up.
    await pg.kill();
    const stale = await until("stale readiness", async () => {
      const res = await fetch(`${server.url}/readyz`);
      return res.status === 503 ? ((await res.json()) as { sync: string }) : undefined;
    }, 15_000);
    expect(stale.sync).toBe("source_down");
    expect((await fetch(`${server.url}${runs}?per_page=1`, { headers: auth })).status).toBe(200);
    await pg.start();
    const again = new SQL(db.adminUrl, { max: 1 });
    const later = `after the outage ${crypto.randomUUID()}`;
    const [other] = await again`SELECT r.id FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id
      WHERE p.name = 'hello-world' ORDER BY r.created_at DESC, r.id DESC LIMIT 1`;
    await again`UPDATE workflow_runs SET display_title = ${later} WHERE id = ${other.id}`;
    await again.close();
    await until("the change after the outage", async () => ((await (await fetch(`${server.url}${runs}/${other.id}`, { headers: auth })).text()).includes(later) ? true : undefined), 30_000);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(server.output()).not.toContain(readerPassword);
  } finally {
    await admin.close();
    expect(await server.stop()).toBe(0);
  }
}, 120_000);
