// Drive one workload with wrk and read back requests/second and latency percentiles.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoadResult { rps: number; p50ms: number; p99ms: number; errors: number; requests: number }

export interface LoadOptions { connections: number; threads: number; seconds: number }

/**
 * Requests cycle through `paths`, each with its own headers (e.g. If-None-Match per URL), or
 * with `random`, one is picked at random for every request.
 */
export async function wrk(
  base: string, requests: { path: string; headers: Record<string, string> }[], opts: LoadOptions & { random?: boolean },
): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "actions-runs-wrk-"));
  const script = join(dir, "requests.lua");
  const lua = requests.map((r) => {
    const headers = Object.entries(r.headers).map(([k, v]) => `["${k}"]=${JSON.stringify(v)}`).join(",");
    return `wrk.format("GET", ${JSON.stringify(r.path)}, {${headers}})`;
  });
  writeFileSync(script, `
-- Built in init: at load time wrk has not set the Host header yet, and HTTP/1.1 without one is a 400.
local reqs
local i = 0
init = function(args)
  reqs = { ${lua.join(",\n")} }
  -- Each thread its own sequence: a table's address differs between the threads' Lua states.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003)
end
request = ${opts.random ? "function() return reqs[math.random(#reqs)] end" : "function() i = i % #reqs + 1; return reqs[i] end"}
local bad = 0
response = function(status) if status ~= 200 and status ~= 304 then bad = bad + 1 end end
done = function(summary, latency, requests) io.write(string.format("BAD %d\\n", bad)) end
`);
  const proc = Bun.spawn(["wrk", `-t${opts.threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`, "--latency", "-s", script, base], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`wrk failed (${code}): ${err}`);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const ms = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50ms: ms(/\s50%\s+([\d.]+)(us|ms|s)/),
    p99ms: ms(/\s99%\s+([\d.]+)(us|ms|s)/),
    requests: num(/(\d+) requests in/),
    errors: (Number.isNaN(non2xx) ? 0 : non2xx) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + num(/BAD (\d+)/),
  };
}
