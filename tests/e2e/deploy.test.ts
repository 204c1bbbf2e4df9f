// The deployment recipe under deploy/, for real: its nginx and HAProxy configurations pass
// their own checks (and compose.yaml docker-compose's), and the one-host topology (a sync and
// two readers of its file, behind nginx with deploy/nginx.conf) is taken apart under load:
// a reader killed with -9 costs no request; the sync killed, every reader turns unready
// within the heartbeat's staleness window, and ready again once a new sync runs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import type { Subprocess } from "bun";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seedPostgres } from "../../src/seed/postgres.ts";
import { defaultHeartbeatEveryMs, staleSlackMs } from "../../src/sync/heartbeat.ts";
import { compiledExecutable, startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { freePort, postgresForTests, startTestPostgres } from "../support/postgres.ts";
import type { TestDatabase, TestPostgres } from "../support/postgres.ts";
import { requireTool, until } from "../support/tools.ts";
import { tempDir } from "../support/temp.ts";

const deploy = join(import.meta.dir, "..", "..", "deploy");
const nginx = requireTool("nginx", ["nginx"]);
const haproxy = requireTool("haproxy", ["haproxy"]);
const compose = requireTool("docker-compose", ["docker-compose"]);
const { binaries } = postgresForTests();

async function run(argv: string[]): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, output: out + err };
}

describe("the deployment recipe's configurations", () => {
  test.skipIf(!nginx)("nginx -t accepts deploy/nginx.conf", async () => {
    const dir = tempDir("nginx");
    try {
      const { code, output } = await run([nginx!, "-t", "-c", join(deploy, "nginx.conf"), "-p", dir, "-g", `pid ${dir}/nginx.pid; error_log stderr;`]);
      expect({ code, output }).toMatchObject({ code: 0 });
      expect(output).toContain("test is successful");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.skipIf(!haproxy)("haproxy -c accepts deploy/haproxy.cfg, which checks GET /readyz", async () => {
    const { code, output } = await run([haproxy!, "-c", "-f", join(deploy, "haproxy.cfg")]);
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(readFileSync(join(deploy, "haproxy.cfg"), "utf8")).toMatch(/option httpchk GET \/readyz/);
  });

  test.skipIf(!compose)("docker-compose config accepts deploy/compose.yaml: PostgreSQL, a sync, two readers, nginx", async () => {
    const { code, output } = await run([compose!, "-f", join(deploy, "compose.yaml"), "config", "--services"]);
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output.trim().split("\n").sort()).toEqual(["nginx", "postgres", "reader1", "reader2", "sync"]);
  });
});

describe.skipIf(!nginx || binaries === null)("one host, taken apart: a sync and two readers of its file behind nginx", () => {
  let pg: TestPostgres;
  let forge: TestDatabase;
  let dir: string;
  let file: string;
  let sync: Subprocess;
  const readers: RunningServer[] = [];
  let proxy: Subprocess;
  let proxyUrl: string;
  const auth = { authorization: "token demo_alice_repo" };
  const runs = "/api/v1/repos/alice/hello-world/actions/runs?per_page=5";
  // One token makes every request: its budgets (per reader) would refuse most of them.
  const readerFlags = (file: string) => ["--db", file, "--rate-limit", "0", "--rate-limit-per-minute", "0"];

  const startSync = async () => {
    const exe = await compiledExecutable();
    return Bun.spawn([exe, "sync", "--from", forge.readerUrl, "--db", file], { stdout: "ignore", stderr: "inherit" });
  };

  beforeAll(async () => {
    pg = await startTestPostgres(binaries!);
    forge = await pg.createDatabase("deploy");
    await seedPostgres(forge.adminUrl, { repos: 5, runs: 300, seed: 5 });
    dir = tempDir("deploy");
    file = join(dir, "runs.sqlite");
    sync = await startSync();
    // The sync creates the file and its tables before its first batch; the readers need them.
    await until("the file", async () => (Bun.file(file).size > 0 ? true : undefined));
    for (let i = 0; i < 2; i++) readers.push(await until("a reader", () => startServer(readerFlags(file)), 20_000));
    for (const r of readers) await until("ready", async () => ((await fetch(`${r.url}/readyz`)).status === 200 ? true : undefined), 60_000);

    const port = await freePort();
    const ports = readers.map((r) => new URL(r.url!).port);
    // deploy/nginx.conf as it is, but for the ports.
    const conf = readFileSync(join(deploy, "nginx.conf"), "utf8")
      .replace("listen 127.0.0.1:8080;", `listen 127.0.0.1:${port};`)
      .replace("server 127.0.0.1:8081 ", `server 127.0.0.1:${ports[0]} `)
      .replace("server 127.0.0.1:8082 ", `server 127.0.0.1:${ports[1]} `);
    expect(conf).toContain(`127.0.0.1:${ports[1]} max_fails=1`);
    writeFileSync(join(dir, "nginx.conf"), conf);
    proxy = Bun.spawn([nginx!, "-c", join(dir, "nginx.conf"), "-p", dir, "-g", `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;`],
      { stdout: "ignore", stderr: "inherit" });
    proxyUrl = `http://127.0.0.1:${port}`;
    await until("nginx", async () => ((await fetch(`${proxyUrl}/healthz`)).ok ? true : undefined));
  }, 120_000);

  afterAll(async () => {
    proxy?.kill("SIGTERM");
    await proxy?.exited;
    for (const r of readers) if (r.proc.exitCode === null) await r.stop();
    sync?.kill("SIGTERM");
    await sync?.exited;
    await pg?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("kill -9 of a reader under load: no request fails", async () => {
    // A bounded load: 8 clients, as many requests as they manage in 3 s (a few thousand here).
    const statuses = new Map<number, number>();
    const errors: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${proxyUrl}${runs}`, { headers: auth });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        } catch (e) {
          errors.push(String(e));
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await Bun.sleep(1_000);
    readers[0]!.proc.kill("SIGKILL");
    await readers[0]!.proc.exited;
    await Bun.sleep(2_000);
    stop = true;
    await Promise.all(clients);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(`nginx in front of two readers, one killed after 1 s: ${total} requests in 3 s, statuses ${JSON.stringify(Object.fromEntries(statuses))}, errors ${errors.length}`);
    expect(errors).toEqual([]);
    expect([...statuses.keys()]).toEqual([200]);
    expect(total).toBeGreaterThan(500);
    // Back for the next test, on the port nginx knows.
    readers[0] = await startServer([...readerFlags(file), "--port", new URL(readers[0]!.url!).port]);
  }, 60_000);

  test("the sync killed: every reader unready within the staleness window; ready again with a new sync", async () => {
    const staleAfterMs = defaultHeartbeatEveryMs + staleSlackMs;
    for (const r of readers) await until("ready", async () => ((await fetch(`${r.url}/readyz`)).status === 200 ? true : undefined));
    const killedAt = Date.now();
    sync.kill("SIGKILL");
    await sync.exited;
    const unreadyAfter: number[] = [];
    await Promise.all(readers.map(async (r) => {
      const body = await until("unready", async () => {
        const res = await fetch(`${r.url}/readyz`);
        return res.status === 503 ? ((await res.json()) as Record<string, unknown>) : undefined;
      }, staleAfterMs + 5_000);
      unreadyAfter.push(Date.now() - killedAt);
      expect(body).toMatchObject({ ready: false, sync: "stale", reason: "heartbeat_stale" });
    }));
    console.log(`sync killed: readers unready after ${unreadyAfter.map((ms) => `${ms} ms`).join(", ")} (stale after ${staleAfterMs} ms)`);
    // The data is still served meanwhile, through nginx too.
    expect((await fetch(`${proxyUrl}${runs}`, { headers: auth })).status).toBe(200);
    for (const ms of unreadyAfter) expect(ms).toBeLessThanOrEqual(staleAfterMs + 1_000);
    const metrics = await (await fetch(`${readers[1]!.url}/metrics`)).text();
    expect(metrics).toContain(`actions_runs_sync_state{state="stale"} 1`);
    expect(metrics).toMatch(/actions_runs_sync_ready 0/);

    // A new sync resumes from the file; every reader is ready again, and sees new changes.
    sync = await startSync();
    for (const r of readers) await until("ready again", async () => ((await fetch(`${r.url}/readyz`)).status === 200 ? true : undefined), 30_000);
    const admin = new SQL(forge.adminUrl, { max: 1 });
    try {
      const title = `after the new sync ${crypto.randomUUID()}`;
      await admin`UPDATE workflow_runs SET display_title = ${title} WHERE id = (SELECT r.id FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id
        WHERE p.name = 'hello-world' ORDER BY r.created_at DESC, r.id DESC LIMIT 1)`;
      for (const r of readers) {
        await until("the change", async () => ((await (await fetch(`${r.url}${runs}`, { headers: auth })).text()).includes(title) ? true : undefined), 10_000);
      }
    } finally {
      await admin.close();
    }
    const ready = (await (await fetch(`${readers[0]!.url}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, sync: "following", reason: null, source: { role: "primary" } });
  }, 90_000);
});
