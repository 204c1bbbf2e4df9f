// Listening with Bun.serve: TCP (optionally TLS) and/or a unix socket, one entry behind them
// all, and a graceful stop that loses no request a client has sent.
//
// Bun's server.stop(false) closes idle keep-alive connections at once, so a request already
// sent on one but not yet read is lost (its client gets 0 bytes), and so is a request
// pipelined behind the one in flight. So a stop first drains: for a moment every answer says
// `Connection: close` (Bun then closes that connection once the answer is written), so that
// requests already on their way are read and answered, each connection closing after its
// answer; only then is the listener closed and the idle connections left are dropped.
import type { Server } from "bun";
import { lstatSync, unlinkSync } from "node:fs";
import { builtin } from "../../builtins.ts";
import type { Peer } from "../../http/pipeline.ts";
import type { Log } from "../../observability/log.ts";
import type { Entry, ListenOptions, Listening } from "../types.ts";

/** How long a stop drains before it closes the listener: requests sent before the signal have been read by then. */
export const drainMs = 250;
/**
 * For this long after the signal, answers do not yet say `Connection: close`: requests already
 * read or pipelined behind one in flight are answered on their connection first (a close after
 * the first of them would drop the rest of the pipeline).
 */
export const settleMs = 30;

export async function listen(entry: Entry, opts: ListenOptions, log: Log): Promise<Listening> {
  const servers: Server<undefined>[] = [];
  let draining = false;
  const closing = (response: Response): Response => {
    try {
      response.headers.set("connection", "close");
      return response;
    } catch {
      const copy = new Response(response.body, response);
      copy.headers.set("connection", "close");
      return copy;
    }
  };
  const answer = (request: Request, peer: Peer | null): Response | Promise<Response> => {
    const result = entry(request, peer);
    if (!draining) return result;
    return result instanceof Promise ? result.then(closing) : closing(result);
  };
  const urls: string[] = [];
  const error = (err: Error) => {
    log("internal_error", { error: String(err?.stack ?? err) });
    return new Response(JSON.stringify({ message: "Internal error", documentation_url: "https://docs.github.com/rest" }), {
      status: 500, headers: { "content-type": "application/json; charset=utf-8" },
    });
  };
  if (opts.port !== undefined) {
    const tls = opts.tls ? { cert: Bun.file(opts.tls.certFile), key: Bun.file(opts.tls.keyFile) } : undefined;
    // One peer per server: it answers for the requests that server received.
    let peer: Peer | null = null;
    const server = Bun.serve({
      hostname: opts.host, port: opts.port, fetch: (req) => answer(req, peer), error, tls, idleTimeout: opts.idleTimeoutSeconds,
      reusePort: opts.reusePort === true,
    });
    peer = { address: (req) => server.requestIP(req)?.address ?? null };
    servers.push(server);
    urls.push(server.url.href);
  }
  if (opts.unixSocket) {
    await removeStaleSocket(opts.unixSocket);
    servers.push(Bun.serve({ unix: opts.unixSocket, fetch: (req) => answer(req, null), error }));
    urls.push(`unix:${opts.unixSocket}`);
  }

  let stopping: Promise<void> | null = null;
  const stop = (hooks: { listenerClosed?: () => void } = {}) => {
    stopping ??= (async () => {
      const drain = Math.min(drainMs, opts.shutdownGraceSeconds * 1000);
      const settle = Math.min(settleMs, drain);
      await new Promise((resolve) => setTimeout(resolve, settle));
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, drain - settle));
      // stop(false): no new connections, idle ones closed; the promise settles once the last answer is written.
      const graceful = Promise.all(servers.map((s) => s.stop(false)));
      hooks.listenerClosed?.();
      // A cleared timer rather than Bun.sleep: a pending sleep would keep the process alive for the whole grace period.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), opts.shutdownGraceSeconds * 1000))),
      ]);
      clearTimeout(timer);
      if (timedOut) await Promise.all(servers.map((s) => s.stop(true)));
    })();
    return stopping;
  };
  return { urls, stop };
}

/**
 * A socket file left by a server that was killed (kill -9 leaves it behind, and binding it
 * again fails with EADDRINUSE) is removed; one a live server answers on is never touched:
 * starting then fails, saying so. Anything else at the path is left for the bind to refuse.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) return;
  const listening = await new Promise<boolean>((resolve) => {
    const probe = builtin("node:net").connect({ path });
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (listening) throw new Error(`${path} is in use: another server is listening on it`);
  unlinkSync(path);
}
