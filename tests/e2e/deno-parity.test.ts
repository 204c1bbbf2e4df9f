// One file served by both runtimes — the compiled executable (Bun) and the Deno entry — must
// answer every request alike: for each URL × token, the same status, the same headers (Date
// and X-Request-Id aside), the same body; the same ETag too, since Deno's codec uses Bun's
// xxHash3 (through libxxhash). And both notice a write to the file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Database } from "bun:sqlite";
import { startDenoServer, startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededCopy } from "../support/db.ts";
import { localhostCertificate } from "../support/tls.ts";
import { requireTool } from "../support/tools.ts";

let bun: RunningServer;
let deno: RunningServer;
let file: string;
let sql: Database;

/** The one header each runtime sets on its own: when the answer left, and the request's id. */
const ownHeaders = new Set(["date", "x-request-id"]);

const haveXxhash = ["/usr/lib/x86_64-linux-gnu/libxxhash.so.0", "/usr/lib/libxxhash.so.0", "/lib/x86_64-linux-gnu/libxxhash.so.0"].some(existsSync);
if (!haveXxhash) {
  if (process.env.CI === "true") throw new Error("libxxhash0 is required under CI=true (the Deno runtime's ETag digest)");
  console.warn("libxxhash is not installed: Deno's ETags are SHA-1, so they are not compared");
}

beforeAll(async () => {
  file = await seededCopy();
  sql = new Database(file);
  // No limits: both servers get exactly the same requests, but a budget's reset time is the clock's.
  // One public URL, so that the links in both answers are the same whatever port each listens on.
  const flags = ["--db", file, "--public-url", "http://runs.example.test", "--rate-limit", "0", "--rate-limit-anonymous", "0", "--rate-limit-per-minute", "0"];
  [bun, deno] = await Promise.all([startServer(flags), startDenoServer(flags, { HOME: process.env.HOME ?? "" })]);
}, 120_000);

afterAll(async () => {
  await Promise.all([bun?.stop(), deno?.stop()]);
  sql?.close();
});

function urls(): string[] {
  const run = sql.query<{ id: number; attempt: number }, []>(
    "SELECT r.id, r.run_attempt AS attempt FROM workflow_runs r JOIN repositories p ON p.id = r.repo_id WHERE p.name = 'hello-world' ORDER BY r.id DESC LIMIT 1").get()!;
  const job = sql.query<{ id: number }, [number]>("SELECT id FROM workflow_jobs WHERE run_id = ? LIMIT 1").get(run.id)!;
  const workflow = sql.query<{ id: number; path: string }, []>(
    "SELECT w.id, w.path FROM workflows w JOIN repositories p ON p.id = w.repo_id WHERE p.name = 'hello-world' LIMIT 1").get()!;
  const file = workflow.path.split("/").pop()!;
  const v1 = "/api/v1/repos/alice/hello-world/actions";
  const v3 = "/api/v3/repos/alice/hello-world/actions";
  return [
    "/healthz", "/readyz", "/openapi/json", "/openapi/assets/swagger-ui.css", "/no/such/route",
    `${v1}/runs`, `${v1}/runs?status=completed&per_page=5&page=2`, `${v1}/runs/${run.id}`, `${v1}/runs/${run.id}/jobs`,
    `${v1}/runs?per_page=0`, `${v1}/runs?page=abc`, `${v1}/runs/999999999`,
    `${v3}/runs`, `${v3}/runs?per_page=100`, `${v3}/runs?status=failure&branch=main`, `${v3}/runs?created=>2020-01-01`,
    `${v3}/runs/${run.id}`, `${v3}/runs/${run.id}/attempts/${run.attempt}`, `${v3}/runs/${run.id}/jobs`, `${v3}/jobs/${job.id}`,
    `${v3}/runs/${run.id}/artifacts`, `${v3}/workflows`, `${v3}/workflows/${workflow.id}`, `${v3}/workflows/${file}/runs?per_page=3`,
    `/repos/alice/hello-world/actions/runs?per_page=2`, "/api/v3/repos/alice/secret-project/actions/runs",
    "/api/v3/repos/frank/dotfiles/actions/runs", "/api/v3/repos/nobody/no-such-repo/actions/runs",
    "/api/v1/repos/octo-org/infra/actions/runs", `${v3}/runs?per_page=1000`, `${v3}/runs?created=yesterday`,
  ];
}

const tokens = [null, "demo_alice_repo", "demo_alice_read", "demo_alice_user", "demo_alice_expired", "demo_bob_read", "demo_frank_read", "not_a_token"];

interface Answer { status: number; headers: Record<string, string>; body: string; etag: string | null }

async function ask(server: RunningServer, path: string, token: string | null, extra: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string> = { "accept-encoding": "identity", ...extra };
  if (token !== null) headers.authorization = `token ${token}`;
  const res = await fetch(server.url + path, { headers, decompress: false });
  const raw = new Uint8Array(await res.arrayBuffer());
  const gz = res.headers.get("content-encoding") === "gzip";
  const kept: Record<string, string> = {};
  for (const [k, v] of res.headers) {
    if (ownHeaders.has(k) || k === "etag") continue;
    // gzip's bytes differ between the runtimes' compressors; what they decode to may not.
    if (gz && k === "content-length") continue;
    kept[k] = v;
  }
  return { status: res.status, headers: kept, body: new TextDecoder().decode(gz ? gunzipSync(raw) : raw), etag: res.headers.get("etag") };
}

describe("parity: the executable and the Deno entry over one file", () => {
  test("the same answer for every URL × token (status, headers but Date and X-Request-Id, body, ETag)", async () => {
    const differences: string[] = [];
    let compared = 0;
    for (const path of urls()) {
      for (const token of tokens) {
        for (const encoding of ["identity", "gzip"]) {
          const [a, b] = await Promise.all([bun, deno].map((s) => ask(s, path, token, { "accept-encoding": encoding })));
          compared++;
          const where = `${path} (${token ?? "no token"}, ${encoding})`;
          if (a!.status !== b!.status) differences.push(`${where}: status ${a!.status} vs ${b!.status}`);
          if (JSON.stringify(a!.headers) !== JSON.stringify(b!.headers)) differences.push(`${where}: headers ${JSON.stringify(a!.headers)} vs ${JSON.stringify(b!.headers)}`);
          if (a!.body !== b!.body) differences.push(`${where}: body ${a!.body.slice(0, 120)} vs ${b!.body.slice(0, 120)}`);
          if (haveXxhash && a!.etag !== b!.etag) differences.push(`${where}: ETag ${a!.etag} vs ${b!.etag}`);
        }
      }
    }
    expect(compared).toBe(urls().length * tokens.length * 2);
    expect(differences).toEqual([]);
  }, 120_000);

  test.skipIf(!haveXxhash)("a tag from one runtime is a 304 from the other", async () => {
    const path = "/api/v3/repos/alice/hello-world/actions/runs?per_page=7";
    const fromBun = await ask(bun, path, "demo_alice_repo");
    const fromDeno = await ask(deno, path, "demo_alice_repo");
    expect(fromBun.status).toBe(200);
    expect((await ask(deno, path, "demo_alice_repo", { "if-none-match": fromBun.etag! })).status).toBe(304);
    expect((await ask(bun, path, "demo_alice_repo", { "if-none-match": fromDeno.etag! })).status).toBe(304);
  });

  test("both watch the file the same way: the wal-index header, mapped", () => {
    const signal = (s: RunningServer) => JSON.parse(s.output().split("\n").find((l) => l.includes('"event":"started"'))!).change_signal;
    expect([signal(bun), signal(deno)]).toEqual(["wal-index mapped", "wal-index mapped"]);
  });

  test("both notice a write to the file", async () => {
    const path = "/api/v3/repos/alice/hello-world/actions/runs?per_page=1";
    const before = await Promise.all([bun, deno].map((s) => ask(s, path, "demo_alice_repo")));
    const newest = (JSON.parse(before[0]!.body) as { workflow_runs: { id: number; display_title: string }[] }).workflow_runs[0]!;
    expect(JSON.parse(before[1]!.body).workflow_runs[0].display_title).toBe(newest.display_title);
    const title = `written while both serve ${Date.now()}`;
    sql.run("UPDATE workflow_runs SET display_title = ?, updated_at = updated_at + 1 WHERE id = ?", [title, newest.id]);
    const seen = await Promise.all([bun, deno].map(async (s) => {
      const deadline = performance.now() + 10_000;
      for (;;) {
        const a = await ask(s, path, "demo_alice_repo");
        const run = (JSON.parse(a.body) as { workflow_runs: { display_title: string }[] }).workflow_runs[0]!;
        if (run.display_title === title || performance.now() > deadline) return run.display_title;
        await Bun.sleep(50);
      }
    }));
    expect(seen).toEqual([title, title]);
    const after = await Promise.all([bun, deno].map((s) => ask(s, path, "demo_alice_repo")));
    expect(after[0]!.body).toBe(after[1]!.body);
  }, 30_000);
});

describe("the Deno entry's listeners: TLS and a unix socket, as the executable's", () => {
  const openssl = requireTool("openssl", ["openssl"]);

  test.skipIf(!openssl)("one server over HTTPS and a unix socket answers as the executable does over both", async () => {
    const cert = await localhostCertificate(openssl!);
    const dir = mkdtempSync(join(tmpdir(), "actions-runs-deno-sock-"));
    const common = ["--db", file, "--public-url", "http://runs.example.test", "--tls-cert", cert.certFile, "--tls-key", cert.keyFile];
    const servers = await Promise.all([
      startServer([...common, "--unix-socket", join(dir, "bun.sock"), "--port", "0"]),
      startDenoServer([...common, "--unix-socket", join(dir, "deno.sock"), "--port", "0"], { HOME: process.env.HOME ?? "" }),
    ]);
    try {
      const path = "/api/v3/repos/alice/hello-world/actions/runs?per_page=3";
      const headers = { authorization: "token demo_alice_repo", "accept-encoding": "identity" };
      const answers = await Promise.all(servers.flatMap((s, i) => [
        fetch(s.url + path, { headers, tls: { rejectUnauthorized: false } }),
        fetch(`http://localhost${path}`, { headers, unix: join(dir, i === 0 ? "bun.sock" : "deno.sock") }),
      ]));
      expect(servers.map((s) => s.url!.startsWith("https://"))).toEqual([true, true]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      const bodies = await Promise.all(answers.map((a) => a.text()));
      expect(new Set(bodies).size).toBe(1);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    try {
      // Stopped, the Deno entry leaves no socket file behind.
      expect(existsSync(join(dir, "deno.sock"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
