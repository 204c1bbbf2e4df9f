// Listening with Bun.serve: TCP (optionally TLS) and/or a unix socket, one app behind
// them all, and a graceful stop on SIGTERM/SIGINT that lets in-flight requests finish.
import type { Server } from "bun";
import type { Log } from "../../log.ts";

export interface ListenOptions {
  host: string;
  /** Omitted: no TCP listener (unix socket only). */
  port?: number;
  unixSocket?: string;
  tls?: { certFile: string; keyFile: string };
  shutdownGraceSeconds: number;
  /** Seconds a connection may stay silent, waiting for a response included (Bun's default: 10). */
  idleTimeoutSeconds?: number;
}

export interface Listening {
  urls: string[];
  servers: Server<undefined>[];
  stop(): Promise<void>;
}

// The request a TCP server is handing to the app right now, and that server. Requests are
// handed over one at a time, synchronously, so the peer is looked up only when asked for
// (for anonymous clients' limits) and only while the request is being handed over.
let handing: Request | null = null;
let handingServer: Server<undefined> | null = null;

/**
 * The address of the client that sent this request over TCP; null over a unix socket or
 * in-process. Ask while the request is being handed to the app (before it first waits).
 */
export function peerAddress(request: Request): string | null {
  if (request !== handing || handingServer === null) return null;
  return handingServer.requestIP(request)?.address ?? null;
}

export async function listen(fetch: (req: Request) => Response | Promise<Response>, opts: ListenOptions, log: Log): Promise<Listening> {
  const servers: Server<undefined>[] = [];
  const urls: string[] = [];
  const error = (err: Error) => {
    log("internal_error", { error: String(err?.stack ?? err) });
    return new Response(JSON.stringify({ message: "Internal error", documentation_url: "https://docs.github.com/rest" }), {
      status: 500, headers: { "content-type": "application/json; charset=utf-8" },
    });
  };
  if (opts.port !== undefined) {
    const tls = opts.tls ? { cert: Bun.file(opts.tls.certFile), key: Bun.file(opts.tls.keyFile) } : undefined;
    const tcpFetch = (req: Request, server: Server<undefined>) => {
      handing = req;
      handingServer = server;
      try {
        return fetch(req);
      } finally {
        handing = null;
        handingServer = null;
      }
    };
    const server = Bun.serve({ hostname: opts.host, port: opts.port, fetch: tcpFetch, error, tls, idleTimeout: opts.idleTimeoutSeconds });
    servers.push(server);
    urls.push(server.url.href);
  }
  if (opts.unixSocket) {
    servers.push(Bun.serve({ unix: opts.unixSocket, fetch, error }));
    urls.push(`unix:${opts.unixSocket}`);
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      // stop(false): no new connections; the promise settles once in-flight requests are done.
      const graceful = Promise.all(servers.map((s) => s.stop(false)));
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
  return { urls, servers, stop };
}
