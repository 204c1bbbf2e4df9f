// The real gh 2.23 against the compiled executable serving the embedded demo over a unix
// socket: what a new user runs first (auth login, auth status), `gh api` with --paginate,
// `run download`, and `run rerun` meeting the read-only surface.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../support/binary.ts";
import type { RunningServer } from "../support/binary.ts";
import { gh, ghBinary } from "../support/gh.ts";
import type { GhTarget } from "../support/gh.ts";
import { tempDir } from "../support/temp.ts";

let server: RunningServer | undefined;
const target: GhTarget = { host: "forge.test" };
let socketDir: string;

beforeAll(async () => {
  if (!ghBinary) return;
  socketDir = tempDir("sock");
  target.unixSocket = join(socketDir, "api.sock");
  server = await startServer(["--unix-socket", target.unixSocket, "--public-url", "https://forge.test", "--lifecycle-url", "https://forge.test/-/actions"]);
});

afterAll(async () => {
  await server?.stop();
  if (socketDir) rmSync(socketDir, { recursive: true, force: true });
});

/** gh with its own config dir (the socket in it) and no token in the environment: what `auth login` stores is what it uses. */
async function ghLoggedOut(args: string[], stdin?: string, configDir = tempDir("gh")) {
  writeFileSync(join(configDir, "config.yml"), `http_unix_socket: ${target.unixSocket}\n`, { flag: "a" });
  const proc = Bun.spawn([ghBinary!, ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: configDir, TMPDIR: configDir, GH_CONFIG_DIR: configDir, NO_COLOR: "1", GH_NO_UPDATE_NOTIFIER: "1", GH_PROMPT_DISABLED: "1" },
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, configDir };
}

describe.skipIf(!ghBinary)("gh auth", () => {
  test("auth login --with-token stores a valid token, and auth status says who it is", async () => {
    const login = await ghLoggedOut(["auth", "login", "--hostname", "forge.test", "--with-token"], "demo_bob_read\n");
    expect(login.stderr).toBe("");
    expect(login.code).toBe(0);
    expect(readFileSync(join(login.configDir, "hosts.yml"), "utf8")).toContain("demo_bob_read");
    const status = await ghLoggedOut(["auth", "status", "--hostname", "forge.test"], undefined, login.configDir);
    expect(status.code).toBe(0);
    expect(status.stdout + status.stderr).toContain("Logged in to forge.test as bob");
    const runs = await ghLoggedOut(["run", "list", "-R", "forge.test/alice/secret-project", "-L", "3"], undefined, login.configDir);
    expect(runs.code).toBe(0);
    expect(runs.stdout.trim().split("\n")).toHaveLength(3);
    rmSync(login.configDir, { recursive: true, force: true });
  });

  test("a bad token: auth login refuses it, auth status says it is not valid", async () => {
    const login = await ghLoggedOut(["auth", "login", "--hostname", "forge.test", "--with-token"], "demo_alice_revoked\n");
    expect(login.code).toBe(1);
    expect(login.stderr).toContain("HTTP 401");
    rmSync(login.configDir, { recursive: true, force: true });
    const status = await gh(["auth", "status", "--hostname", "forge.test"], target, { token: "not-a-token" });
    expect(status.code).toBe(1);
    expect(status.stdout + status.stderr).toContain("token in GH_ENTERPRISE_TOKEN is no longer valid");
    const good = await gh(["auth", "status", "--hostname", "forge.test"], target, { token: "demo_alice_read" });
    expect(good.code).toBe(0);
    expect(good.stdout + good.stderr).toContain("as alice");
  });
});

describe.skipIf(!ghBinary)("gh api", () => {
  test("user, rate_limit, and --paginate over every page of a listing", async () => {
    const user = await gh(["api", "user", "--jq", ".login"], target, { token: "demo_carol_read" });
    expect(user.stdout.trim()).toBe("carol");
    const rate = await gh(["api", "rate_limit", "--jq", ".rate.limit"], target);
    expect(rate.stdout.trim()).toBe("5000");
    const one = await gh(["api", "repos/alice/hello-world/actions/runs?per_page=100", "--jq", ".total_count"], target);
    const total = Number(one.stdout.trim());
    expect(total).toBeGreaterThan(200);
    const all = await gh(["api", "--paginate", "repos/alice/hello-world/actions/runs?per_page=50", "--jq", ".workflow_runs[].id"], target);
    expect(all.code).toBe(0);
    const ids = all.stdout.trim().split("\n").map(Number);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });
});

describe.skipIf(!ghBinary)("gh run", () => {
  test("run download finds the run's live artifacts and says their archives are not held here", async () => {
    const listed = await gh(["api", "repos/alice/hello-world/actions/artifacts?per_page=100", "--jq", "[.artifacts[] | select(.expired == false) | .workflow_run.id][0]"], target);
    const run = Number(listed.stdout.trim());
    expect(run).toBeGreaterThan(0);
    const out = await gh(["run", "download", String(run), "--dir", tempDir("download")], target);
    expect(out.code).toBe(1);
    expect(out.stderr).not.toContain("no valid artifacts");
    expect(out.stderr).toContain("not held by this service");
  });

  test("run rerun and run cancel print the read-only message", async () => {
    for (const args of [["run", "rerun", "359"], ["run", "cancel", "368"]]) {
      const out = await gh(args, target);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain("HTTP 405: This API is read-only");
      expect(out.stderr).toContain("https://forge.test/-/actions");
    }
  });
});
