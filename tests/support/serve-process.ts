// `serve` as a child process, started and waited for until it logs its `started` line: the one
// way the tests (support/binary.ts) and the benchmarks (bench/run.ts, bench/soak.ts) start the
// service. A process that exits first, or does not start in time, is killed and reported
// with what it wrote.
import { existsSync, readFileSync } from "node:fs";
import type { Subprocess } from "bun";

export interface StartedLine { event: "started"; listening: string[]; [field: string]: unknown }

export interface ServeProcessOptions {
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Where its log (stdout) goes: to a file, read back only for the started line (a benchmark:
   * reading every line would take CPU from the load), or line by line to a function.
   */
  stdout: { file: string } | { onLine: (line: string) => void };
  /** Piped and kept (the default, see stderr()), or the caller's own. */
  stderr?: "pipe" | "inherit";
  /** Default 15 s. */
  startTimeoutMs?: number;
}

export interface ServeProcess {
  proc: Subprocess;
  started: StartedLine;
  /** Its first http(s) address without the trailing slash; undefined when it listens on a unix socket only. */
  url?: string;
  /** What it wrote on stderr so far (empty when inherited). */
  stderr(): string;
  /** Resolves once its piped output has been read to the end (after it exited). */
  drained: Promise<void>;
}

export async function startServeProcess(argv: string[], opts: ServeProcessOptions): Promise<ServeProcess> {
  const toFile = "file" in opts.stdout;
  const proc = Bun.spawn(argv, {
    cwd: opts.cwd,
    env: opts.env,
    stdin: "ignore",
    stdout: "file" in opts.stdout ? Bun.file(opts.stdout.file) : "pipe",
    stderr: opts.stderr ?? "pipe",
  });
  let err = "";
  let early = ""; // stdout up to the started line, for the error message
  let startedLine: string | undefined;
  const pump = async (stream: ReadableStream<Uint8Array>, sink: (text: string) => void) => {
    const text = new TextDecoder();
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) sink(text.decode(chunk, { stream: true }));
  };
  const pumps: Promise<void>[] = [];
  if (proc.stderr instanceof ReadableStream) pumps.push(pump(proc.stderr, (s) => (err += s)));
  if (!toFile) {
    const onLine = (opts.stdout as { onLine: (line: string) => void }).onLine;
    let pending = "";
    pumps.push(pump(proc.stdout as ReadableStream<Uint8Array>, (s) => {
      pending += s;
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (startedLine === undefined) {
          early += line + "\n";
          if (line.includes('"event":"started"')) startedLine = line;
        }
        onLine(line);
      }
    }));
  }
  const file = toFile ? (opts.stdout as { file: string }).file : null;
  const deadline = performance.now() + (opts.startTimeoutMs ?? 15_000);
  for (;;) {
    if (file !== null) {
      early = existsSync(file) ? readFileSync(file, "utf8") : "";
      startedLine = early.split("\n").find((l) => l.includes('"event":"started"'));
    }
    if (startedLine !== undefined) break;
    if (proc.exitCode !== null || proc.signalCode !== null || performance.now() > deadline) {
      const why = proc.exitCode !== null || proc.signalCode !== null ? `exited (${proc.exitCode ?? proc.signalCode})` : "did not start in time";
      proc.kill("SIGKILL");
      await proc.exited;
      throw new Error(`${argv.slice(0, 2).join(" ")} ${why}:\n${early}\n${err}`);
    }
    await Bun.sleep(10);
  }
  const started = JSON.parse(startedLine) as StartedLine;
  const url = started.listening.find((u) => u.startsWith("http"))?.replace(/\/$/, "");
  return { proc, started, url, stderr: () => err, drained: Promise.all(pumps).then(() => {}) };
}
