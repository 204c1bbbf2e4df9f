// SIGTERM loses no request a client has sent, as keep-alive clients send them: over raw
// sockets to the compiled executable, requests sent on idle keep-alive connections just
// before the signal, and a batch pipelined on one connection, are all answered in full;
// requests sent on open connections after the signal are answered with `Connection: close`;
// then the listener closes (new connections refused) and the process exits 0.
import { expect, test } from "bun:test";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { startServer } from "../support/binary.ts";
import { seededDatabase } from "../support/db.ts";
import { acceptsConnection } from "../support/wait.ts";
import { settleMs } from "../../src/runtime/bun/serve.ts";

interface Answer { status: number; connectionClose: boolean; bodyBytes: number; body: string }

/** One keep-alive connection: writes requests, parses the answers as they come (Content-Length bodies). */
class Connection {
  readonly answers: Answer[] = [];
  closed = false;
  private buffer = Buffer.alloc(0);
  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk as Buffer]);
      this.parse();
    });
    socket.on("close", () => (this.closed = true));
    socket.on("error", () => {});
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => resolve(new Connection(socket)));
      socket.once("error", reject);
    });
  }

  send(paths: string[]): void {
    this.socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: token demo_alice_repo\r\n\r\n`).join(""));
  }

  async until(count: number, ms = 10_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (this.answers.length < count && !this.closed && performance.now() < deadline) await Bun.sleep(5);
  }

  get bodies(): unknown[] {
    return this.answers.map((a) => JSON.parse(a.body));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = this.buffer.subarray(0, end).toString("latin1");
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      this.answers.push({
        status: Number(head.slice(9, 12)),
        connectionClose: /\r\nconnection: *close/i.test(head),
        bodyBytes: length,
        body: this.buffer.subarray(end + 4, end + 4 + length).toString("utf8"),
      });
      this.buffer = this.buffer.subarray(end + 4 + length);
    }
  }
}


const paths = [
  "/api/v1/repos/alice/hello-world/actions/runs?per_page=50",
  "/repos/alice/hello-world/actions/runs?per_page=20",
  "/api/v3/repos/alice/hello-world/actions/runs/369",
  "/repos/alice/hello-world/actions/runs/369/jobs",
];

test("SIGTERM: requests sent just before it (keep-alive, pipelined) and after it on open connections are all answered; then exit 0", async () => {
  const server = await startServer(["--db", await seededDatabase(), "--rate-limit", "0", "--rate-limit-per-minute", "0", "--max-concurrent", "0"]);
  const port = Number(new URL(server.url!).port);
  const idle = await Promise.all(Array.from({ length: 24 }, () => Connection.open(port)));
  const later = await Promise.all(Array.from({ length: 8 }, () => Connection.open(port)));
  const pipelined = await Connection.open(port);
  // Every connection has been used once and is now an idle keep-alive connection.
  for (const [i, c] of [...idle, ...later, pipelined].entries()) c.send([paths[i % paths.length]!]);
  for (const c of [...idle, ...later, pipelined]) await c.until(1);
  for (const c of [...idle, ...later, pipelined]) expect(c.answers.map((a) => a.status)).toEqual([200]);

  // 0-3 ms before the signal: one request on each idle connection, five pipelined on one.
  for (const [i, c] of idle.entries()) {
    c.send([paths[(i + 1) % paths.length]!]);
    if (i % 8 === 7) await Bun.sleep(1);
  }
  pipelined.send(paths.concat(paths[0]!));
  server.proc.kill("SIGTERM");
  const signalledAt = performance.now();
  // After the signal, on connections still open: answered, each saying the connection closes.
  // Timed from the server's own word that it took the signal (a busy machine may deliver it
  // late), past the settling window in which answers do not yet say so.
  while (!server.output().includes('"event":"draining"')) await Bun.sleep(2);
  await Bun.sleep(settleMs + 30);
  for (const [i, c] of later.entries()) c.send([paths[i % paths.length]!]);
  // A new client's health check is told the server is going: load balancers send no more.
  const checker = await Connection.open(port);
  checker.send(["/readyz"]);

  for (const c of idle) await c.until(2);
  await pipelined.until(6);
  for (const c of later) await c.until(2);
  await checker.until(1);
  while (!server.output().includes('"event":"stopping"')) await Bun.sleep(5);
  await Bun.sleep(20);
  const refused = !(await acceptsConnection(port));
  const code = await server.proc.exited;
  const exitedAfter = performance.now() - signalledAt;

  const statuses = (c: Connection) => c.answers.map((a) => a.status);
  for (const c of idle) expect(statuses(c)).toEqual([200, 200]);
  expect(statuses(pipelined)).toEqual([200, 200, 200, 200, 200, 200]);
  for (const c of later) {
    expect(statuses(c)).toEqual([200, 200]);
    expect(c.answers[1]!.connectionClose).toBe(true);
    expect(c.closed).toBe(true);
  }
  for (const c of [...idle, pipelined, ...later]) for (const a of c.answers) expect(a.bodyBytes).toBeGreaterThan(100);
  expect(checker.answers.map((a) => [a.status, a.connectionClose])).toEqual([[503, true]]);
  expect(checker.bodies[0]).toEqual({ ready: false, stopping: true });
  expect(refused).toBe(true);
  expect(code).toBe(0);
  console.log(`exited ${exitedAfter.toFixed(0)} ms after SIGTERM; ${idle.length * 2 + 6 + later.length * 2} answers on ${idle.length + later.length + 1} connections, none lost`);
  for (const c of [...idle, pipelined, ...later, checker]) c.destroy();
}, 60_000);
