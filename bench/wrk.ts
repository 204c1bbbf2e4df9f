// Drive a workload with wrk and read back requests/second, latency percentiles and errors.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoadResult { rps: number; p50ms: number; p99ms: number; errors: number; requests: number }

export interface LoadOptions { connections: number; threads: number; seconds: number }

export interface WrkRun {
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** The latency distribution as wrk prints it (p50, p75, p90, p99). */
  latency: Record<string, string>;
  /** Connect, read, write and timeout errors together. */
  socketErrors: number;
  /** wrk's own count of answers that were not 2xx or 3xx. */
  non2xx: number;
  /** All wrk printed, for what a script of its own writes there. */
  stdout: string;
}

/** One wrk run of a Lua script against `base`. */
export async function runWrk(base: string, opts: LoadOptions & { script: string; timeoutSeconds?: number; env?: Record<string, string> }): Promise<WrkRun> {
  const argv = ["wrk", `-t${opts.threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`,
    ...(opts.timeoutSeconds ? ["--timeout", `${opts.timeoutSeconds}s`] : []), "--latency", "-s", opts.script, base];
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...opts.env } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`wrk failed (${code}): ${err}\n${out}`);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const ms = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const latency: Record<string, string> = {};
  for (const [, pct, value] of out.matchAll(/^\s+(50|75|90|99)%\s+(\S+)/gm)) latency[`p${pct}`] = value!;
  const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
  return {
    requests: num(/(\d+) requests in/),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50ms: ms(/\s50%\s+([\d.]+)(us|ms|s)/),
    p99ms: ms(/\s99%\s+([\d.]+)(us|ms|s)/),
    latency,
    socketErrors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: Number.isNaN(non2xx) ? 0 : non2xx,
    stdout: out,
  };
}

/** Requests cycle through `paths`, each with its own headers (e.g. If-None-Match per URL). */
export async function wrk(base: string, requests: { path: string; headers: Record<string, string> }[], opts: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "actions-runs-wrk-"));
  try {
    const script = join(dir, "requests.lua");
    const lua = requests.map((r) => {
      const headers = Object.entries(r.headers).map(([k, v]) => `["${k}"]=${JSON.stringify(v)}`).join(",");
      return `wrk.format("GET", ${JSON.stringify(r.path)}, {${headers}})`;
    });
    writeFileSync(script, `
-- Built in init: at load time wrk has not set the Host header yet, and HTTP/1.1 without one is a 400.
local reqs
local i = 0
init = function(args) reqs = { ${lua.join(",\n")} } end
request = function() i = i % #reqs + 1; return reqs[i] end
local bad = 0
response = function(status) if status ~= 200 and status ~= 304 then bad = bad + 1 end end
done = function(summary, latency, requests) io.write(string.format("BAD %d\\n", bad)) end
`);
    const run = await runWrk(base, { ...opts, script });
    return {
      rps: run.rps, p50ms: run.p50ms, p99ms: run.p99ms, requests: run.requests,
      errors: run.non2xx + run.socketErrors + Number(/BAD (\d+)/.exec(run.stdout)?.[1] ?? NaN),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
