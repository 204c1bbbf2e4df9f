// Every lookup cache of the store is bounded in bytes, whatever keys clients send: the
// compiled executable is filled with hostile keys of each kind (long filter values, names
// at GitHub's longest, made-up tokens) and its resident memory, read from /proc, grows by
// at most the caches' budgets plus a stated margin. Measured in the server's own process,
// so the test's heap does not blur it. Remembered answers are off (--response-cache-mb 0):
// their budget is another cache's, with its own test.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { defaults } from "../../src/defaults.ts";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededDatabase } from "../support/db.ts";

const hasProc = (() => {
  try {
    readFileSync("/proc/self/status");
    return true;
  } catch {
    return false;
  }
})();

/** The store's byte-bounded caches: tokens, repositories, memberships, listing totals. */
const budget = 4 * defaults.lookupCacheBytes;
/** Allocator and garbage-collector slack of a process that has handled tens of thousands of 8 KB requests. */
const margin = 32 * 1024 * 1024;
const perKind = 6000;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer([
    "--db", await seededDatabase(), "--response-cache-mb", "0",
    "--rate-limit", "0", "--rate-limit-anonymous", "0", "--rate-limit-per-minute", "0", "--max-concurrent", "0",
  ]);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]!;
  return Number(kb) * 1024;
}

const token = "demo_alice_repo";
const pad = (i: number, length: number) => `${i.toString(36)}-${"x".repeat(length)}`.slice(0, length);

/** The hostile requests, each kind with its own distinct keys. */
const kinds: Record<string, (i: number) => { path: string; token: string }> = {
  // The finding: 8 KB actor values, each a key of the totals' cache (now: longer than a login, answered before any lookup).
  "actor=8KB": (i) => ({ path: `/repos/alice/hello-world/actions/runs?actor=${pad(i, 8000)}`, token }),
  // Long values of a filter without a length of its own: keys of the totals' cache, bounded in bytes.
  "event=8KB": (i) => ({ path: `/api/v1/repos/alice/hello-world/actions/runs?event=${pad(i, 8000)}`, token }),
  // Names at GitHub's longest: keys of the repositories' cache.
  "owner/repo": (i) => ({ path: `/repos/${pad(i, 39)}/${pad(i, 100)}/actions/runs`, token }),
  // Names past it: answered before any lookup.
  "owner/repo too long": (i) => ({ path: `/repos/${pad(i, 2000)}/${pad(i, 4000)}/actions/runs`, token }),
  // Made-up tokens: keys (their hashes) of the tokens' cache.
  tokens: (i) => ({ path: "/repos/alice/hello-world/actions/runs", token: `ghp_${pad(i, 4000)}` }),
};

async function send(kind: (i: number) => { path: string; token: string }, from: number, count: number): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < from + count) {
      const { path, token: t } = kind(next++);
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `token ${t}` } });
      await res.arrayBuffer();
      if (res.status >= 500) throw new Error(`${path.slice(0, 80)} → ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

test.skipIf(!hasProc)(`${perKind} requests of each kind of hostile key grow RSS by at most the caches' budget (${budget / 2 ** 20} MiB) + ${margin / 2 ** 20} MiB`, async () => {
  const pid = server.proc.pid;
  // Warm-up: every code path taken and the allocator's pools grown, with keys the test will not send again.
  for (const kind of Object.values(kinds)) await send(kind, 1_000_000, 300);
  const before = rssBytes(pid);
  const growth: Record<string, number> = {};
  for (const [name, kind] of Object.entries(kinds)) {
    const at = rssBytes(pid);
    await send(kind, 0, perKind);
    growth[name] = Math.round((rssBytes(pid) - at) / 2 ** 20);
  }
  const total = rssBytes(pid) - before;
  console.log(`RSS ${Math.round(before / 2 ** 20)} MiB → +${Math.round(total / 2 ** 20)} MiB after ${perKind} requests of each kind; MiB by kind:`, growth);
  expect(total).toBeLessThan(budget + margin);
  // Still serving, and still right.
  const res = await fetch(`${server.url}/api/v1/repos/alice/hello-world/actions/runs?per_page=1`, { headers: { authorization: `token ${token}` } });
  expect(res.status).toBe(200);
}, 240_000);
