// A database file broken under the running executable is noticed at once and fails closed:
// truncated, overwritten with garbage, unlinked or replaced with mv, every API request is a
// 503 JSON, /readyz says what is wrong, and one log line says it. Without a sync, a good file
// moved back into place is served again; with --sync-from, the copy is rebuilt from the
// forge's PostgreSQL into a new file and swapped in, without a restart.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { seedPostgres } from "../../src/seed/postgres.ts";
import { startServer } from "../support/binary.ts";
import { until } from "../support/wait.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededCopy } from "../support/db.ts";
import { postgresForTests, startTestPostgres } from "../support/postgres.ts";
import type { TestPostgres } from "../support/postgres.ts";

const servers: RunningServer[] = [];
const folders: string[] = [];
let pg: TestPostgres | undefined;
afterAll(async () => {
  for (const s of servers) await s.stop();
  await pg?.destroy();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

function folder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}


const path = "/api/v1/repos/alice/hello-world/actions/runs?per_page=2";
const get = (server: RunningServer) => fetch(`${server.url}${path}`, { headers: { authorization: "token demo_alice_repo" } });
const count = (server: RunningServer, event: string) => server.output().split("\n").filter((l) => l.includes(`"event":"${event}"`)).length;

/** From the fault to the first 503: how long, and what the answer and /readyz said. */
async function expectFailsClosed(server: RunningServer, breakIt: () => void, what: RegExp) {
  expect((await get(server)).status).toBe(200);
  const faults = count(server, "database_fault");
  const brokenAt = performance.now();
  breakIt();
  const refused = await until("a 503", async () => {
    const res = await get(server);
    return res.status === 503 ? res : (expect([200, 503]).toContain(res.status), undefined);
  });
  const ms = performance.now() - brokenAt;
  expect(ms).toBeLessThan(1500);
  expect(((await refused.json()) as { message: string }).message).toMatch(what);
  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { fault?: string }).fault ?? "rebuilt already").toBeTruthy();
  await until("its log line", async () => (count(server, "database_fault") === faults + 1 ? true : undefined), 2000);
  return ms;
}

describe("a file served without a sync", () => {
  test("truncated, overwritten: 503 at once, one log line; unlinked or replaced: 503, then a good file at the path is served", async () => {
    const file = await seededCopy();
    folders.push(dirname(file));
    const spare = join(folder("actions-runs-spare-"), "spare.sqlite");
    copyFileSync(file, spare);
    const server = await startServer(["--db", file]);
    servers.push(server);
    const figures: Record<string, number> = {};

    figures.unlinked = await expectFailsClosed(server, () => rmSync(file), /^Service Unavailable: the database file is unlinked$/);
    copyFileSync(spare, `${file}.new`);
    renameSync(`${file}.new`, file);
    await until("served again", async () => ((await get(server)).status === 200 ? true : undefined));
    expect(count(server, "database_reopened")).toBe(1);

    copyFileSync(spare, `${file}.other`);
    figures.replaced = await expectFailsClosed(server, () => renameSync(`${file}.other`, file), /^Service Unavailable: the database file is replaced$/);
    await until("the replacement served", async () => ((await get(server)).status === 200 ? true : undefined));

    figures.corrupt = await expectFailsClosed(server, () => writeFileSync(file, Buffer.alloc(64 * 1024, 0x41), { flag: "r+" }), /^Service Unavailable: the database file is corrupt$/);
    // Broken in place, it stays refused: nothing to rebuild it from.
    await Bun.sleep(500);
    expect((await get(server)).status).toBe(503);
    copyFileSync(spare, `${file}.good`);
    renameSync(`${file}.good`, file);
    await until("served again", async () => ((await get(server)).status === 200 ? true : undefined));

    figures.truncated = await expectFailsClosed(server, () => truncateSync(file, 0), /^Service Unavailable: the database file is truncated$/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    console.log("ms from fault to 503:", Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v)])));
  }, 90_000);
});

const { binaries } = postgresForTests();

describe("a copy kept by --sync-from", () => {
  test.skipIf(!binaries)("truncated, then replaced with garbage: 503 at once, rebuilt from PostgreSQL and swapped in without a restart", async () => {
    pg = await startTestPostgres(binaries!);
    const db = await pg.createDatabase("file_faults");
    await seedPostgres(db.adminUrl, { repos: 3, runs: 100, seed: 7 });
    const file = join(folder("actions-runs-faults-"), "runs.sqlite");
    const server = await startServer(["--db", file, "--sync-from", db.readerUrl]);
    servers.push(server);
    await until("ready", async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined));
    const before = await (await get(server)).text();
    const pid = server.proc.pid;

    await expectFailsClosed(server, () => truncateSync(file, 0), /^Service Unavailable: the database file is (truncated|being rebuilt)$/);
    await until("rebuilt", async () => ((await get(server)).status === 200 ? true : undefined), 30_000);
    expect(await (await get(server)).text()).toBe(before);
    expect(count(server, "database_rebuilt")).toBe(1);
    await until("ready again", async () => ((await fetch(`${server.url}/readyz`)).status === 200 ? true : undefined));

    const garbage = `${file}.garbage`;
    writeFileSync(garbage, "not a database at all\n".repeat(100));
    await expectFailsClosed(server, () => renameSync(garbage, file), /^Service Unavailable: the database file is (replaced|being rebuilt)$/);
    await until("rebuilt again", async () => ((await get(server)).status === 200 ? true : undefined), 30_000);
    expect(await (await get(server)).text()).toBe(before);
    expect(count(server, "database_rebuilt")).toBe(2);
    const rebuilt = server.output().split("\n").filter((l) => l.includes('"event":"database_rebuilt"')).map((l) => JSON.parse(l).seconds as number);
    console.log("rebuilt from PostgreSQL in seconds:", rebuilt);
    // The same process all along.
    expect(server.proc.pid).toBe(pid);
    expect(server.proc.exitCode).toBeNull();
  }, 120_000);
});
