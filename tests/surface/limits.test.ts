// The limits, in-process: GitHub's rate-limit headers and bodies, the per-minute burst cap,
// 304s not charged, unauthenticated clients counted by address, size caps answered with
// JSON, and (against a deliberately slow handler) the concurrency cap and the deadline.
import { describe, expect, test } from "bun:test";
import { serveConfig } from "../../src/config/index.ts";
import { Answers } from "../../src/http/answers.ts";
import { corsPolicy } from "../../src/http/cors.ts";
import { portableCodec } from "../../src/http/encoding.ts";
import { Pipeline } from "../../src/http/pipeline.ts";
import { addressKey } from "../../src/limits/client-key.ts";
import { defaultLimits } from "../../src/limits/config.ts";
import type { LimitsConfig } from "../../src/limits/config.ts";
import { Ledgers } from "../../src/limits/ledger.ts";
import { HttpMetrics } from "../../src/observability/http-metrics.ts";
import { testApp } from "../support/app.ts";

const runs = "/api/v1/repos/alice/hello-world/actions/runs?per_page=1";
const rateLimitDocs = "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting";

interface Call { token?: string; address?: string; headers?: Record<string, string>; method?: string }

/** The app with limits on; the client address comes from a test header, as the runtime would give it. */
async function limitedApp(limits: Partial<LimitsConfig>) {
  const metrics = new HttpMetrics();
  const { handle } = await testApp({ limits, metrics, peer: (r) => r.headers.get("x-test-peer") });
  const req = (path: string, call: Call = {}) => {
    const headers: Record<string, string> = { ...call.headers };
    if (call.token) headers.authorization = `token ${call.token}`;
    if (call.address) headers["x-test-peer"] = call.address;
    return handle(new Request(`http://localhost${path}`, { method: call.method ?? "GET", headers }));
  };
  return { req, metrics };
}

function rateHeaders(res: Response) {
  return {
    limit: res.headers.get("x-ratelimit-limit"),
    remaining: res.headers.get("x-ratelimit-remaining"),
    used: res.headers.get("x-ratelimit-used"),
    resource: res.headers.get("x-ratelimit-resource"),
  };
}

describe("hourly rate limit per token", () => {
  test("GitHub's headers count down; the request over the limit gets 403 and GitHub's body", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 3 });
    const before = Math.floor(Date.now() / 1000);
    for (let i = 1; i <= 3; i++) {
      const res = await req(runs, { token: "demo_alice_repo" });
      expect(res.status).toBe(200);
      expect(rateHeaders(res)).toEqual({ limit: "3", remaining: String(3 - i), used: String(i), resource: "core" });
      const reset = Number(res.headers.get("x-ratelimit-reset"));
      expect(reset).toBeGreaterThanOrEqual(before + 3600);
      expect(reset).toBeLessThanOrEqual(before + 3602);
    }
    const over = await req(runs, { token: "demo_alice_repo" });
    expect(over.status).toBe(403);
    expect(over.headers.get("content-type")).toContain("application/json");
    expect(rateHeaders(over)).toEqual({ limit: "3", remaining: "0", used: "3", resource: "core" });
    expect(await over.json()).toEqual({ message: "API rate limit exceeded for user ID 1.", documentation_url: rateLimitDocs });
  });

  test("each user has one budget, shared by all of the user's tokens (the refusal names the user)", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 2 });
    expect((await req(runs, { token: "demo_alice_repo" })).status).toBe(200);
    // Another of alice's tokens draws on the same budget: a second token buys no second hour.
    const second = await req(runs, { token: "demo_alice_read" });
    expect(second.status).toBe(200);
    expect(second.headers.get("x-ratelimit-used")).toBe("2");
    expect((await req(runs, { token: "demo_alice_repo" })).status).toBe(403);
    const alice = await req(runs, { token: "demo_alice_future" });
    expect(alice.status).toBe(403);
    expect(((await alice.json()) as { message: string }).message).toBe("API rate limit exceeded for user ID 1.");
    expect((await req(runs, { token: "demo_bob_read" })).status).toBe(200);
    expect((await req(runs, { token: "demo_bob_read" })).status).toBe(200);
    const bob = await req(runs, { token: "demo_bob_read" });
    expect(((await bob.json()) as { message: string }).message).toBe("API rate limit exceeded for user ID 2.");
  });

  test("every answer is charged (404, 422), except 304 Not Modified", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 100 });
    const first = await req(runs, { token: "demo_alice_repo" });
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    expect(first.headers.get("x-ratelimit-used")).toBe("1");
    for (let i = 0; i < 3; i++) {
      const unchanged = await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": etag } });
      expect(unchanged.status).toBe(304);
      expect(unchanged.headers.get("x-ratelimit-used")).toBe("1");
      expect(unchanged.headers.get("x-ratelimit-remaining")).toBe("99");
    }
    expect((await req("/api/v1/repos/nobody/nothing/actions/runs", { token: "demo_alice_repo" })).headers.get("x-ratelimit-used")).toBe("2");
    expect((await req(`${runs}&per_page=abc`, { token: "demo_alice_repo" })).headers.get("x-ratelimit-used")).toBe("3");
    const again = await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("x-ratelimit-used")).toBe("3");
  });

  test("If-None-Match: * earns no discount, though it matches (304); junk parameters make each one computed", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 100, requestsPerMinute: 5 });
    for (let i = 1; i <= 5; i++) {
      const res = await req(`${runs}&junk=${i}`, { token: "demo_alice_repo", headers: { "if-none-match": "*" } });
      expect(res.status).toBe(304);
      expect(res.headers.get("x-ratelimit-used")).toBe(String(i));
    }
    // The per-minute cap counted all of them: the sixth is refused.
    expect((await req(`${runs}&junk=6`, { token: "demo_alice_repo", headers: { "if-none-match": "*" } })).status).toBe(429);
  });

  test("a 304 computed by the router (nothing remembered yet) is charged; one from memory for the tag named is not", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 100 });
    const { req: other } = await limitedApp({});
    // The tag, learnt from another app: this one has not remembered the answer yet.
    const etag = (await other(runs, { token: "demo_alice_repo" })).headers.get("etag")!;
    const computed = await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": etag } });
    expect(computed.status).toBe(304);
    expect(computed.headers.get("x-ratelimit-used")).toBe("1");
    const remembered = await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": `"x", ${etag}` } });
    expect(remembered.status).toBe(304);
    expect(remembered.headers.get("x-ratelimit-used")).toBe("1");
    const wildcard = await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": "*" } });
    expect(wildcard.status).toBe(304);
    expect(wildcard.headers.get("x-ratelimit-used")).toBe("2");
  });

  test("the per-minute cap counts the free 304s too", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 100, requestsPerMinute: 3 });
    const etag = (await req(runs, { token: "demo_alice_repo" })).headers.get("etag")!;
    expect((await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": etag } })).status).toBe(429);
  });

  test("a 304 does not count even when the budget is down to its last request", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 2 });
    const etag = (await req(runs, { token: "demo_alice_repo" })).headers.get("etag")!;
    for (let i = 0; i < 5; i++) expect((await req(runs, { token: "demo_alice_repo", headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await req(runs, { token: "demo_alice_repo" })).status).toBe(200);
    expect((await req(runs, { token: "demo_alice_repo" })).status).toBe(403);
  });
});

describe("unauthenticated clients are counted by address", () => {
  test("no token, or one that does not authenticate: the address's budget, and GitHub's wording", async () => {
    const { req } = await limitedApp({ anonymousRequestsPerHour: 2 });
    expect((await req(runs, { address: "198.51.100.7" })).status).toBe(401);
    const bad = await req(runs, { address: "198.51.100.7", token: "not-a-real-token" });
    expect(bad.status).toBe(401);
    expect(rateHeaders(bad)).toEqual({ limit: "2", remaining: "0", used: "2", resource: "core" });
    const over = await req(runs, { address: "198.51.100.7", token: `guess-${Math.random()}` });
    expect(over.status).toBe(403);
    expect(((await over.json()) as { message: string }).message).toStartWith("API rate limit exceeded for 198.51.100.7.");
    expect((await req(runs, { address: "198.51.100.8" })).status).toBe(401);
    // A valid token is its own budget, whatever address it comes from.
    expect((await req(runs, { address: "198.51.100.7", token: "demo_alice_repo" })).status).toBe(200);
  });

  test("an IPv6 client's /64 is one client", async () => {
    const { req } = await limitedApp({ anonymousRequestsPerHour: 1 });
    expect((await req("/nope", { address: "2001:db8:1:2::1" })).status).toBe(404);
    expect((await req("/nope", { address: "2001:db8:1:2:ffff::9" })).status).toBe(403);
    expect((await req("/nope", { address: "2001:db8:1:3::1" })).status).toBe(404);
  });

  test("address keys", () => {
    expect(addressKey("203.0.113.9")).toBe("203.0.113.9");
    expect(addressKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(addressKey("2001:0db8:0001:0002:0000:0000:0000:0001")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey(null)).toBe("local");
  });
});

describe("probes and scrapes are never limited", () => {
  test("/healthz, /readyz and /metrics carry no rate-limit headers and are not refused", async () => {
    const { req } = await limitedApp({ anonymousRequestsPerHour: 1, requestsPerMinute: 1 });
    for (let i = 0; i < 5; i++) {
      for (const path of ["/healthz", "/readyz", "/metrics"]) {
        const res = await req(path);
        expect(res.status).toBe(200);
        expect(res.headers.get("x-ratelimit-limit")).toBeNull();
      }
    }
  });
});

describe("burst: requests per minute", () => {
  test("over the per-minute cap → 429, GitHub's secondary-limit body, Retry-After", async () => {
    const { req, metrics } = await limitedApp({ requestsPerMinute: 2 });
    expect((await req(runs, { token: "demo_alice_repo" })).status).toBe(200);
    expect((await req(runs, { token: "demo_alice_repo" })).status).toBe(200);
    const over = await req(runs, { token: "demo_alice_repo" });
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await over.json()) as { message: string; documentation_url: string };
    expect(body.message).toStartWith("You have exceeded a secondary rate limit.");
    expect(body.message).toContain(over.headers.get("x-request-id")!);
    expect(body.documentation_url).toContain("secondary-rate-limits");
    // The hourly budget was not charged for the refusal.
    expect(over.headers.get("x-ratelimit-used")).toBe("2");
    expect(metrics.count("unmatched", 429)).toBe(1);
  });
});

describe("ledgers", () => {
  test("the hour starts with the first request and resets after it; idle clients are forgotten", () => {
    const ledgers = new Ledgers<string>({ perHour: 2, perMinute: 0, concurrent: 0 });
    const t0 = 1_000_000;
    const a = ledgers.ledger("a", t0);
    expect(ledgers.admit(a, t0)).toBeNull();
    ledgers.settle(a, false, a.hourEndsAt);
    expect(ledgers.admit(a, t0 + 1000)).toBeNull();
    ledgers.settle(a, false, a.hourEndsAt);
    expect(ledgers.admit(a, t0 + 3_599_999)).toBe("hourly");
    expect(ledgers.admit(a, t0 + 3_600_000)).toBeNull();
    expect(a.hourUsed).toBe(1);
    ledgers.settle(a, false, a.hourEndsAt);
    ledgers.ledger("b", t0 + 3_600_000);
    expect(ledgers.size).toBe(2);
    ledgers.ledger("c", t0 + 3 * 3_600_000);
    expect(ledgers.size).toBe(1);
  });

  test("a 304 is refunded only within the window it was charged to", () => {
    const ledgers = new Ledgers<string>({ perHour: 10, perMinute: 0, concurrent: 0 });
    const a = ledgers.ledger("a", 0);
    ledgers.admit(a, 0);
    const charged = a.hourEndsAt;
    ledgers.admit(a, 3_600_000);
    ledgers.settle(a, true, charged);
    expect(a.hourUsed).toBe(1);
    expect(a.inFlight).toBe(1);
  });
});

describe("a slow handler: the concurrency cap and the deadline", () => {
  const { promise: gate, resolve: open } = Promise.withResolvers<void>();
  /** The pipeline in front of a deliberately slow router. */
  async function door(limits: Partial<LimitsConfig>, handler: (r: Request) => Promise<Response>) {
    const { store } = await testApp();
    const metrics = new HttpMetrics();
    const pipeline = new Pipeline({
      store, tokenHash: portableCodec.tokenHash, now: Date.now, answers: new Answers(portableCodec, 0), cors: corsPolicy(null), metrics, logger: null, limits: { ...defaultLimits, ...limits },
    });
    const peer = { address: () => "192.0.2.1" };
    return { serve: (request: Request) => pipeline.serve(request, peer, handler), metrics };
  }
  const get = (token?: string) => new Request("http://localhost/api/v1/repos/alice/hello-world/actions/runs", { headers: token ? { authorization: `token ${token}` } : {} });

  test("a client over its requests in progress → 429; others unaffected; the slot frees when one ends", async () => {
    const { serve } = await door({ concurrentRequests: 2 }, async () => {
      await gate;
      return Response.json([]);
    });
    const first = [serve(get("demo_alice_repo")), serve(get("demo_alice_repo"))];
    const third = await serve(get("demo_alice_repo"));
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("1");
    expect(((await third.json()) as { message: string }).message).toContain("too many concurrent requests");
    const other = serve(get("demo_bob_read"));
    open();
    expect((await Promise.all([...first, other])).map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await serve(get("demo_alice_repo"))).status).toBe(200);
  });

  test("no answer within the deadline → 503 JSON; the work still holds its slot until it ends", async () => {
    let finish!: () => void;
    const { serve, metrics } = await door({ requestTimeoutMs: 50, concurrentRequests: 1 }, () =>
      new Promise<Response>((resolve) => (finish = () => resolve(Response.json([])))));
    const started = performance.now();
    const late = await serve(get("demo_alice_repo"));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(late.status).toBe(503);
    expect(late.headers.get("x-request-id")).toBeTruthy();
    expect(((await late.json()) as { message: string }).message).toBe("Request timed out: no answer within 0.05 seconds");
    expect((await serve(get("demo_alice_repo"))).status).toBe(429);
    finish();
    await Bun.sleep(1);
    const after = serve(get("demo_alice_repo"));
    finish();
    expect((await after).status).toBe(200);
    expect(metrics.count("unmatched", 503)).toBe(1);
  });
});

describe("sizes", () => {
  test("a request target over the limit → 414 JSON; headers over the limit → 431 JSON", async () => {
    const { req } = await limitedApp({ maxUrlBytes: 1024, maxHeaderBytes: 2048 });
    const long = await req(`${runs}&head_ref=${"a".repeat(1100)}`, { token: "demo_alice_repo" });
    expect(long.status).toBe(414);
    expect(((await long.json()) as { message: string }).message).toBe("URI Too Long: the request target is over 1024 bytes");
    expect((await req(`${runs}&head_ref=${"a".repeat(900)}`, { token: "demo_alice_repo" })).status).toBe(200);
    const fat = await req(runs, { token: "demo_alice_repo", headers: { "x-padding": "p".repeat(2100) } });
    expect(fat.status).toBe(431);
    expect(fat.headers.get("content-type")).toContain("application/json");
    expect(((await fat.json()) as { message: string }).message).toBe("Request Header Fields Too Large: the headers are over 2048 bytes");
    expect(fat.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("configuration", () => {
  test("flags and their environment variables", () => {
    const fromFlags = serveConfig(["--rate-limit", "10", "--request-timeout", "3", "--max-concurrent", "0"], {}).limits;
    expect(fromFlags).toMatchObject({ tokenRequestsPerHour: 10, requestTimeoutMs: 3000, concurrentRequests: 0, anonymousRequestsPerHour: 600 });
    const fromEnv = serveConfig([], { ACTIONS_RUNS_RATE_LIMIT_PER_MINUTE: "7", ACTIONS_RUNS_MAX_URL_BYTES: "100" }).limits;
    expect(fromEnv).toMatchObject({ requestsPerMinute: 7, maxUrlBytes: 100, tokenRequestsPerHour: 5000 });
    expect(serveConfig([], {}).limits).toEqual(defaultLimits);
  });

  test("limits off: no rate-limit headers", async () => {
    const { req } = await limitedApp({ tokenRequestsPerHour: 0, anonymousRequestsPerHour: 0 });
    const res = await req(runs, { token: "demo_alice_repo" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit")).toBeNull();
  });
});
