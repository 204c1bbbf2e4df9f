// SIGTERM while the compiled executable is under load: every request the server took on is
// answered in full, new connections are refused once it is stopping, and the process exits
// 0 within the grace period. The server's own log lines say which requests it took on.
import { expect, test } from "bun:test";
import { startServer } from "../support/binary.ts";
import { seededDatabase } from "../support/db.ts";
import { buildsTheExecutable } from "../support/timeouts.ts";
import { acceptsConnection } from "../support/wait.ts";

const grace = 5;
const clients = 32;
const paths = [
  "/api/v1/repos/alice/hello-world/actions/runs?per_page=100",
  "/api/v3/repos/alice/hello-world/actions/runs?per_page=100",
  "/repos/alice/hello-world/actions/runs?per_page=50&status=completed",
  "/api/v1/repos/alice/secret-project/actions/runs",
];

/** One request of the load; `failedAfterSignal` is when it failed, in the order the test saw it (no clock). */
interface Outcome { status?: number; requestId?: string; complete?: boolean; error?: string; failedAfterSignal?: boolean }

test("SIGTERM under load: taken-on requests complete, new connections are refused, exit 0 within the grace period", async () => {
  const server = await startServer(["--db", await seededDatabase(), "--shutdown-grace", String(grace), "--rate-limit", "0", "--rate-limit-per-minute", "0"]);
  const port = Number(new URL(server.url!).port);
  const outcomes: Outcome[] = [];
  // Set just before the signal is sent: a request that fails while this is false failed under load alone.
  let signalled = false;

  const loop = async (n: number) => {
    // Until the first failure: after the stop, that is a closed or refused connection.
    for (let i = 0; ; i++) {
      const outcome: Outcome = {};
      outcomes.push(outcome);
      try {
        const res = await fetch(`${server.url}${paths[(n + i) % paths.length]}`, { headers: { authorization: "token demo_alice_repo" } });
        outcome.status = res.status;
        outcome.requestId = res.headers.get("x-request-id") ?? undefined;
        const body = await res.text();
        JSON.parse(body);
        outcome.complete = true;
      } catch (e) {
        outcome.error = String(e);
        outcome.failedAfterSignal = signalled;
        return;
      }
    }
  };
  const load = Array.from({ length: clients }, (_, n) => loop(n));
  // Under load: more than a hundred requests answered, whatever the machine's speed.
  while (outcomes.filter((o) => o.complete).length <= 100) {
    expect(outcomes.filter((o) => o.error), "failures before the signal").toEqual([]);
    await Bun.sleep(10);
  }

  signalled = true;
  const signalledAt = performance.now();
  server.proc.kill("SIGTERM");
  // Once the server says it is stopping, its listener closes: a new connection is refused
  // (probed until it is, not after a guessed delay; past the exit it is refused as well).
  await server.waitForOutput('"event":"stopping"');
  const probeUntil = Date.now() + grace * 1000;
  let refused = false;
  while (!(refused = !(await acceptsConnection(port))) && Date.now() < probeUntil) await Bun.sleep(5);
  const code = await server.proc.exited;
  const exitedAfter = (performance.now() - signalledAt) / 1000;
  await Promise.allSettled(load);

  expect(code).toBe(0);
  expect(exitedAfter).toBeLessThan(grace);
  expect(refused).toBe(true);

  // Every request the server logged as answered reached its client whole.
  const served = server.output().split("\n").filter((l) => l.includes('"event":"request"')).map((l) => JSON.parse(l) as { request_id: string; status: number });
  const received = new Map(outcomes.filter((o) => o.requestId).map((o) => [o.requestId!, o]));
  expect(served.length).toBeGreaterThan(100);
  for (const line of served) {
    const got = received.get(line.request_id);
    expect(got, `request ${line.request_id}`).toBeDefined();
    expect(got!.complete, `request ${line.request_id}`).toBe(true);
    expect(got!.status).toBe(line.status);
  }
  // Anything that failed failed at the connection (closed or refused), never with an HTTP
  // error, and only once the signal was sent: every client's loop ends that way.
  const failures = outcomes.filter((o) => o.error);
  expect(failures).toHaveLength(clients);
  for (const o of outcomes) {
    if (o.status !== undefined) expect([200, 404]).toContain(o.status);
    if (o.error) {
      expect(o.error).toMatch(/ECONNREFUSED|ECONNRESET|socket connection was closed/);
      expect(o.failedAfterSignal, o.error).toBe(true);
    }
  }
}, buildsTheExecutable);
