// The compiled executable itself, started as a process and queried over HTTP: it carries
// its demo database and docs, refuses bad flags in one line, and stops gracefully.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledExecutable, startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { seededDatabase } from "../support/db.ts";
import { removeTempDir, tempDir } from "../support/temp.ts";
import { buildsTheExecutable } from "../support/timeouts.ts";
import { requireTool } from "../support/tools.ts";

let exe: string;
let cwd: string;
beforeAll(async () => {
  exe = await compiledExecutable();
  cwd = tempDir("cwd");
}, buildsTheExecutable);
afterAll(() => removeTempDir(cwd));

function run(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawnSync([exe, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe", cwd });
  return { code: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

describe("command line", () => {
  test("--version and --help", () => {
    expect(run(["--version"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    const help = run(["serve", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--db", "--host", "--port", "--unix-socket", "--tls-cert"]) expect(help.stdout).toContain(flag);
  });

  for (const [args, pattern] of [
    [["serve", "--bogus"], /unknown option --bogus/],
    [["serve", "--port", "http"], /--port must be a whole number/],
    [["serve", "--port", "70000"], /--port must be from 0 to 65535/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["seed"], /exactly one of --out FILE or --postgres URL/],
  ] as const) {
    test(`${args.join(" ")} → one line on stderr, exit 2`, () => {
      const r = run([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  // util-linux's script: the executable's stdout on a pseudo-terminal, as in an operator's shell.
  const script = requireTool("script (util-linux)", ["script"]);
  test.skipIf(script === null)("the log is text on a terminal and JSON on a pipe (--log-format auto)", () => {
    const serveFor = `timeout -s TERM 1.5 '${exe}' serve --port 0 --workers 1`;
    const onTerminal = Bun.spawnSync([script!, "-qec", serveFor, "/dev/null"], { cwd, stdout: "pipe", stderr: "pipe" }).stdout.toString();
    expect(onTerminal).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  started /m);
    expect(onTerminal).not.toContain('"event":');
    const onPipe = Bun.spawnSync(["sh", "-c", serveFor], { cwd, stdout: "pipe", stderr: "pipe" }).stdout.toString();
    expect(onPipe).toMatch(/^\{"time":"[^"]+","level":"info","event":"started"/m);
  });

  test("an environment variable is checked like its flag", () => {
    const r = run(["serve"], { ACTIONS_RUNS_PORT: "nope" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ACTIONS_RUNS_PORT must be a whole number");
  });

  test("an unreadable or foreign database file → one line, non-zero exit", () => {
    const dir = tempDir("bad");
    const junk = join(dir, "junk.sqlite");
    writeFileSync(junk, "this is not a database");
    for (const file of [join(dir, "missing.sqlite"), junk]) {
      const r = run(["serve", "--db", file, "--port", "0"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(file);
    }
    removeTempDir(dir);
  });
});

describe("serving the embedded demo database", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer([]);
  }, buildsTheExecutable);
  afterAll(async () => {
    await server.stop();
  });

  test("starts from an empty folder and prints the demo tokens", async () => {
    await server.waitForOutput("demo_alice_repo");
  });

  test("health, runs with a demo token, 401 without", async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const res = await fetch(`${server.url}/api/v1/repos/alice/hello-world/actions/runs?per_page=5`, { headers: { authorization: "token demo_alice_repo" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(5);
    expect(res.headers.get("link")).toStartWith(`<${server.url}/api/v1/repos/alice/hello-world/actions/runs?per_page=5&page=2>`);
    expect((await fetch(`${server.url}/api/v1/repos/alice/hello-world/actions/runs`)).status).toBe(401);
  });

  test("the OpenAPI document is generated from the routes; Swagger UI's files are served locally", async () => {
    const doc = (await (await fetch(`${server.url}/openapi/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain("/api/v1/repos/{owner}/{repo}/actions/runs/{run_id}/jobs");
    const page = await (await fetch(`${server.url}/openapi`)).text();
    expect(page).not.toMatch(/unpkg|jsdelivr|cdn\./);
    const js = await fetch(`${server.url}/openapi/assets/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(500_000);
  });
});

describe("limits on a real socket", () => {
  test("anonymous requests are counted by the address they come from, and the refusal names it", async () => {
    const server = await startServer(["--rate-limit-anonymous", "3"]);
    try {
      const url = `${server.url}/api/v3/repos/alice/hello-world/actions/runs`;
      for (let i = 1; i <= 3; i++) {
        const res = await fetch(url);
        expect(res.status).toBe(401);
        expect(res.headers.get("x-ratelimit-used")).toBe(String(i));
      }
      const refused = await fetch(url);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { message: string }).message).toStartWith("API rate limit exceeded for 127.0.0.1.");
      // A token has its own budget, whatever address it comes from.
      expect((await fetch(url, { headers: { authorization: "token demo_alice_repo" } })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe("serving a file", () => {
  test("--db FILE is served read-only: a read-only file works and is never changed", async () => {
    const dir = tempDir("ro");
    const file = join(dir, "runs.sqlite");
    copyFileSync(await seededDatabase(), file);
    chmodSync(file, 0o444);
    const before = await Bun.file(file).bytes();
    const server = await startServer(["--db", file]);
    try {
      const res = await fetch(`${server.url}/api/v1/repos/alice/hello-world/actions/runs`, { headers: { authorization: "token demo_alice_repo" } });
      expect(res.status).toBe(200);
      expect(server.output()).not.toContain("Demo tokens");
    } finally {
      await server.stop();
    }
    expect(Buffer.compare(Buffer.from(before), Buffer.from(await Bun.file(file).bytes()))).toBe(0);
    removeTempDir(dir);
  });

  test("SIGTERM: every answer already started completes whole; the rest are refused; exit 0", async () => {
    const server = await startServer(["--db", await seededDatabase(), "--shutdown-grace", "10"]);
    const headers = { authorization: "token demo_alice_repo" };
    const requests = Array.from({ length: 64 }, (_, i) =>
      fetch(`${server.url}/api/v3/repos/alice/hello-world/actions/runs?per_page=100&page=${(i % 2) + 1}`, { headers }));
    // Settled as they end: a refused request is an outcome here, never an unhandled rejection.
    const outcomes = Promise.allSettled(requests);
    // Stopped once the first answer has begun (not after a guessed delay), with the others in flight.
    await Promise.any(requests);
    const code = await server.stop("SIGTERM");
    let answered = 0;
    for (const settled of await outcomes) {
      if (settled.status === "rejected") {
        // Never reached the server before it stopped listening (or was queued on a closing keep-alive connection).
        expect(String(settled.reason)).toMatch(/ECONNRESET|ECONNREFUSED|ConnectionRefused|closed/i);
        continue;
      }
      // Headers arrived, so the body must arrive whole.
      expect(settled.value.status).toBe(200);
      const body = JSON.parse(await settled.value.text()) as { workflow_runs: unknown[] };
      expect(body.workflow_runs.length).toBe(100);
      answered++;
    }
    expect(answered).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(server.output()).toContain('"event":"stopped"');
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
