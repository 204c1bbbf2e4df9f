// Listening with Deno.serve: TCP (optionally TLS) and/or a unix socket, one entry behind them
// all, each request's peer from the handler's info.remoteAddr, and a graceful stop that lets
// in-flight requests finish, as Bun's edge does (src/runtime/bun/serve.ts).
import { readFileSync } from "node:fs";
import type { Peer } from "../../http/pipeline.ts";
import type { Log } from "../../observability/log.ts";
import type { Entry, ListenOptions, Listening } from "../types.ts";

/** The URL a TCP listener answers at, written as Bun's server.url is. */
function urlOf(scheme: string, hostname: string, port: number): string {
  return `${scheme}://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}/`;
}

/** A peer that answers with the address the request came from. */
function peerOf(info: Deno.ServeHandlerInfo): Peer {
  const addr = info.remoteAddr;
  const address = addr.transport === "tcp" || addr.transport === "udp" ? addr.hostname : null;
  return { address: () => address };
}

export async function listen(entry: Entry, opts: ListenOptions, log: Log): Promise<Listening> {
  const servers: Deno.HttpServer[] = [];
  const urls: string[] = [];
  const onError = (err: unknown) => {
    log("internal_error", { error: String((err as Error)?.stack ?? err) });
    return new Response(JSON.stringify({ message: "Internal error", documentation_url: "https://docs.github.com/rest" }), {
      status: 500, headers: { "content-type": "application/json; charset=utf-8" },
    });
  };
  const quiet = () => {};
  try {
    if (opts.port !== undefined) {
      const tls = opts.tls ? { cert: readFileSync(opts.tls.certFile, "utf8"), key: readFileSync(opts.tls.keyFile, "utf8") } : {};
      const server = Deno.serve(
        { hostname: opts.host, port: opts.port, onError, onListen: quiet, ...tls },
        (req, info) => entry(req, peerOf(info)),
      );
      servers.push(server);
      const addr = server.addr as Deno.NetAddr;
      urls.push(urlOf(opts.tls ? "https" : "http", addr.hostname, addr.port));
    }
    if (opts.unixSocket) {
      // Deno names a unix socket's requests http+unix://host/…; the app, like Bun, sees http://host/….
      const overSocket = (req: Request) => entry(new Request(`http${req.url.slice(req.url.indexOf(":"))}`, req), null);
      servers.push(Deno.serve({ path: opts.unixSocket, onError, onListen: quiet }, overSocket));
      urls.push(`unix:${opts.unixSocket}`);
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.shutdown()));
    throw e;
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      // shutdown(): no new connections; settles once in-flight requests are done.
      const graceful = Promise.all(servers.map((s) => s.shutdown()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), opts.shutdownGraceSeconds * 1000))),
      ]);
      clearTimeout(timer);
      // Past the grace period: the servers no longer keep the process alive; what is still running is cut off at exit.
      if (timedOut) for (const s of servers) s.unref();
    })();
    return stopping;
  };
  return { urls, stop };
}
