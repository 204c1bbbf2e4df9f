// A server killed with SIGKILL leaves its unix socket file behind. The next start removes it
// when nothing listens on it, and serves; a socket a live server answers on is never taken
// over: the start fails, saying so, and the live server goes on answering.
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiledExecutable, startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";

const cleanup: (() => void | Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Another process listening on the socket, answering "other". */
async function otherListener(path: string) {
  const proc = Bun.spawn([process.execPath, "-e", `Bun.serve({ unix: ${JSON.stringify(path)}, fetch: () => new Response("other") }); console.log("ready")`], { stdout: "pipe", stderr: "ignore" });
  const reader = proc.stdout.getReader();
  await reader.read();
  reader.releaseLock();
  return proc;
}

function socketDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "actions-runs-sock-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a socket left by a killed server is removed at start, and the new server answers on it", async () => {
  const path = join(socketDir(), "api.sock");
  const killed = await otherListener(path);
  killed.kill("SIGKILL");
  await killed.exited;
  expect(existsSync(path)).toBe(true);
  const server: RunningServer = await startServer(["--unix-socket", path]);
  cleanup.push(() => server.stop());
  const res = await fetch("http://localhost/healthz", { unix: path });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
}, 60_000);

test("a socket a live server listens on is left alone: the start fails with a message", async () => {
  const path = join(socketDir(), "api.sock");
  const live = await otherListener(path);
  cleanup.push(async () => {
    live.kill();
    await live.exited;
  });
  const exe = await compiledExecutable();
  const proc = Bun.spawn([exe, "serve", "--unix-socket", path], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  expect(code).toBe(1);
  expect(stderr).toContain(`${path} is in use: another server is listening on it`);
  expect(await (await fetch("http://localhost/", { unix: path })).text()).toBe("other");
}, 60_000);
