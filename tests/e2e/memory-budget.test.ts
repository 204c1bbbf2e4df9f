// Every cache of the process is bounded in bytes, whatever keys clients send: the compiled
// executable is filled with hostile keys of each kind and its resident memory, read from
// /proc, grows by at most the caches' budgets plus a stated margin. Measured in the server's
// own process, so the test's heap does not blur it. Two servers: one with remembered answers
// off (--response-cache-mb 0), for the store's lookup caches (long filter values, names at
// GitHub's longest, made-up tokens); one with them on and a small budget, for the answers
// themselves (every URL a new key: junk parameters on large pages, long queries on small ones).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
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

const unlimited = ["--rate-limit", "0", "--rate-limit-anonymous", "0", "--rate-limit-per-minute", "0", "--max-concurrent", "0"];

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]!;
  return Number(kb) * 1024;
}

/**
 * Resident memory once the garbage of the last burst is gone: the lowest of samples over a
 * second and a half of quiet. Right after a burst of computed pages RSS still holds their
 * garbage (±50 MiB between runs), which the collector returns within that time.
 */
async function settledRss(pid: number): Promise<number> {
  let low = Infinity;
  for (let i = 0; i < 15; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    low = Math.min(low, rssBytes(pid));
  }
  return low;
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

async function send(server: RunningServer, kind: (i: number) => { path: string; token: string }, from: number, count: number): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < from + count) {
      const { path, token: t } = kind(next++);
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `token ${t}`, "accept-encoding": "gzip" } });
      await res.arrayBuffer();
      if (res.status >= 500) throw new Error(`${path.slice(0, 80)} → ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Send each kind's hostile requests: RSS growth in bytes once settled, and at its peak while they were answered (sampled every 20 ms). */
async function fill(server: RunningServer, of: Record<string, (i: number) => { path: string; token: string }>, count: number): Promise<{ settled: number; peak: number }> {
  const pid = server.proc.pid;
  // Warm-up: every code path taken and the allocator's pools grown, with keys the test will not send again.
  for (const kind of Object.values(of)) await send(server, kind, 1_000_000, 300);
  const before = await settledRss(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
  const growth: Record<string, number> = {};
  let at = before;
  for (const [name, kind] of Object.entries(of)) {
    await send(server, kind, 0, count);
    const now = await settledRss(pid);
    growth[name] = Math.round((now - at) / 2 ** 20);
    at = now;
  }
  clearInterval(sampler);
  const total = at - before;
  console.log(`RSS ${Math.round(before / 2 ** 20)} MiB → +${Math.round(total / 2 ** 20)} MiB after ${count} requests of each kind (peak +${Math.round((peak - before) / 2 ** 20)} MiB); MiB by kind: ${JSON.stringify(growth)}`);
  // Still serving, and still right.
  const res = await fetch(`${server.url}/api/v1/repos/alice/hello-world/actions/runs?per_page=1`, { headers: { authorization: `token ${token}` } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as unknown[]).length).toBe(1);
  return { settled: total, peak: peak - before };
}

describe("the store's lookup caches", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(["--db", await seededDatabase(), "--response-cache-mb", "0", ...unlimited]);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  test.skipIf(!hasProc)(`${perKind} requests of each kind of hostile key grow RSS by at most the caches' budget (${budget / 2 ** 20} MiB) + ${margin / 2 ** 20} MiB`, async () => {
    expect((await fill(server, kinds, perKind)).settled).toBeLessThan(budget + margin);
  }, 240_000);
});

/** The remembered answers' budget in this test: small, so that the hostile keys overflow it many times. */
const answersMiB = 16;
/** Pages of 100 runs: each a large answer, kept gzip-encoded (tens of KB) and ~1 MB when computed. */
const answerKinds: Record<string, (i: number) => { path: string; token: string }> = {
  "junk parameter, large page": (i) => ({ path: `/repos/alice/hello-world/actions/runs?per_page=100&junk=${i}`, token }),
  "junk parameter, v1 large page": (i) => ({ path: `/api/v1/repos/alice/hello-world/actions/runs?per_page=50&junk=${i}`, token }),
  "8 KB query, small answer": (i) => ({ path: `/repos/alice/hello-world/actions/runs?per_page=1&junk=${pad(i, 8000)}`, token }),
};

describe("the remembered answers", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(["--db", await seededDatabase(), "--response-cache-mb", String(answersMiB), ...unlimited]);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  const count = 2500;
  test.skipIf(!hasProc)(`${count} requests of each kind of new URL grow RSS, at its peak and settled, by at most --response-cache-mb ${answersMiB} + the lookup caches' ${budget / 2 ** 20} MiB + ${margin / 2 ** 20} MiB (peak: + ${2 * margin / 2 ** 20} MiB)`, async () => {
    const { settled, peak } = await fill(server, answerKinds, count);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const counted = Number(/^actions_runs_response_cache_bytes (\d+)/m.exec(metrics)![1]);
    const entries = Number(/^actions_runs_response_cache_entries (\d+)/m.exec(metrics)![1]);
    console.log(`remembered: ${entries} answers, ${(counted / 2 ** 20).toFixed(1)} MiB counted`);
    // The budget was filled (so the test measured a full cache) and never passed.
    expect(counted).toBeGreaterThan((answersMiB - 2) * 2 ** 20);
    expect(counted).toBeLessThanOrEqual(answersMiB * 2 ** 20);
    expect(settled).toBeLessThan(answersMiB * 2 ** 20 + budget + margin);
    // Nor while they were answered: dropped answers are collected as the cache turns over, not
    // left to pile up as garbage (before, the peak was 150-240 MiB over, 10-15 times the budget).
    // The peak's margin is twice the settled one: it also holds the pages being computed (eight
    // at a time, a megabyte of JSON each) and the young garbage they leave between collections.
    expect(peak).toBeLessThan(answersMiB * 2 ** 20 + budget + 2 * margin);
  }, 240_000);
});
