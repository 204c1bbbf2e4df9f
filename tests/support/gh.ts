// Running the real `gh` binary against a server under test: a fresh GH_CONFIG_DIR per call,
// the enterprise token, GH_HOST/GH_REPO naming the server, no colour and no TTY. Over a unix
// socket gh needs only `http_unix_socket` in its config; over TLS it needs SSL_CERT_FILE.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { ownProcess, removeTempDir, tempDir } from "./temp.ts";
import { requireTool } from "./tools.ts";

/** Path of gh, or null (tests skip with a note) when it is not installed; CI=true requires it. */
export const ghBinary = requireTool("gh", ["gh"]);

export interface GhTarget {
  /** What gh calls the host: GH_HOST, and the host part of GH_REPO. */
  host: string;
  unixSocket?: string;
  /** Trust store for a TLS server (its certificate). */
  certFile?: string;
}

export interface GhResult { code: number; stdout: string; stderr: string }

function ghEnvironment(configDir: string, target: GhTarget, repo: string, token: string | undefined): Record<string, string> {
  if (target.unixSocket) writeFileSync(join(configDir, "config.yml"), `http_unix_socket: ${target.unixSocket}\n`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: configDir,
    TMPDIR: configDir,
    GH_CONFIG_DIR: configDir,
    GH_HOST: target.host,
    GH_REPO: `${target.host}/${repo}`,
    GH_ENTERPRISE_TOKEN: token ?? "",
    NO_COLOR: "1",
    GH_NO_UPDATE_NOTIFIER: "1",
    GH_PROMPT_DISABLED: "1",
    TZ: "UTC",
  };
  if (target.certFile) env.SSL_CERT_FILE = target.certFile;
  return env;
}

/** Start gh with these arguments; stdout and stderr are pipes, so gh sees no TTY. */
export function spawnGh(args: string[], target: GhTarget, opts: { repo?: string; token?: string } = {}): Subprocess<"ignore", "pipe", "pipe"> {
  if (!ghBinary) throw new Error("gh is not installed");
  // gh's HOME, config and TMPDIR: gone once gh has exited.
  const configDir = tempDir("gh");
  const env = ghEnvironment(configDir, target, opts.repo ?? "alice/hello-world", opts.token ?? "demo_alice_repo");
  const proc = ownProcess(Bun.spawn([ghBinary, ...args], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" }));
  void proc.exited.then(() => removeTempDir(configDir));
  return proc;
}

export async function gh(args: string[], target: GhTarget, opts: { repo?: string; token?: string } = {}): Promise<GhResult> {
  const proc = spawnGh(args, target, opts);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** The rows of `gh run list` off a TTY: tab-separated status, conclusion, title, workflow, branch, event, id, elapsed, age. */
export function runListRows(stdout: string): { status: string; conclusion: string; title: string; workflow: string; branch: string; event: string; id: number }[] {
  return stdout.split("\n").filter((l) => l !== "").map((line) => {
    const [status, conclusion, title, workflow, branch, event, id] = line.split("\t");
    return { status: status!, conclusion: conclusion!, title: title!, workflow: workflow!, branch: branch!, event: event!, id: Number(id) };
  });
}
