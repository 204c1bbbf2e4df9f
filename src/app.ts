// createApp() builds the whole service without listening: the executable, the tests and
// any runtime (Bun.serve, Deno.serve(app.fetch)) all serve this same app.
import { Elysia } from "elysia";
import { errorHandling } from "./api/respond.ts";
import { conditionalRequests } from "./api/etag.ts";
import { responseCache } from "./api/response-cache.ts";
import { rememberedAnswers } from "./api/remembered-answers.ts";
import { githubApi } from "./api/github/index.ts";
import { forgeApi } from "./api/v1/index.ts";
import { rememberOrigin } from "./api/context.ts";
import type { Handler } from "./observability/front-door.ts";
import type { ApiContext } from "./api/context.ts";
import { docs } from "./docs/openapi.ts";
import type { DocsAssets } from "./docs/openapi.ts";
import { portableCodec } from "./api/encoding.ts";
import type { Codec } from "./api/encoding.ts";
import { operations } from "./observability/operations.ts";
import type { OperationsOptions } from "./observability/operations.ts";
import { version } from "./version.ts";
import { corsPolicy } from "./http/cors.ts";

export interface AppOptions extends ApiContext {
  docsAssets: DocsAssets;
  /** Data freshness for /readyz; absent when the database is not followed by a sync. */
  readiness?: () => { ready: boolean; [k: string]: unknown };
  logError?: (error: unknown, request: Request) => void;
  /** Budget for remembered answers (default 64 MiB; 0 turns the cache off). Used only when the store reports data versions. */
  responseCacheBytes?: number;
  /** The ETag digest and gzip; the portable one (node:crypto, node:zlib) unless a runtime brings its own. */
  codec?: Codec;
  /** Request ids, log lines, limits and /metrics; absent (as in most tests), the routes are served bare. */
  operations?: Omit<OperationsOptions, "version">;
  /** Origins whose pages may read the answers; absent or empty, any origin (as GitHub's API). */
  corsOrigins?: string[];
}

/** `/api/v1/repos/:owner/:repo/actions/runs` → a pattern matching that path with any segment values. */
function pathPattern(path: string): RegExp {
  const source = path.split("/").map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
  return new RegExp(`^${source}/?$`);
}

export function createApp(opts: AppOptions) {
  let routes: { pattern: RegExp; method: string }[] | null = null;
  const allowedMethods = (pathname: string): string[] | null => {
    routes ??= (app.routes as { path: string; method: string }[]).map((r) => ({ pattern: pathPattern(r.path), method: r.method }));
    const methods = routes.filter((r) => r.pattern.test(pathname)).map((r) => r.method);
    if (methods.length === 0) return null;
    return methods.includes("GET") ? [...new Set([...methods, "HEAD"])] : methods;
  };

  const store = opts.store;
  const cache = store.dataVersion && opts.responseCacheBytes !== 0 ? responseCache(opts.responseCacheBytes ?? 64 * 1024 * 1024) : undefined;
  const codec = opts.codec ?? portableCodec;
  const shortcut = cache && rememberedAnswers(store, cache, opts.now, codec);
  const ops = opts.operations ? operations({ ...opts.operations, version }, opts) : null;
  const cors = corsPolicy(opts.corsOrigins ?? null);

  // Every request, whatever answers it: the data version is read first (everything the request
  // reads, the front door's token lookup included, is judged against it), then the front door,
  // then a remembered answer if there is one, and only then the router.
  let routed: Handler | null = null;
  let served: Handler | null = null;
  const around = (fn: Handler): Handler => {
    // Elysia passes its (per compile, constant) handler on every request: compose once per handler.
    if (fn !== routed) {
      routed = fn;
      const door: Handler = ops
        ? ops.door.wrap(fn, shortcut)
        : shortcut
          ? (request) => shortcut(request)?.response ?? fn(request)
          : fn;
      // CORS outside everything: a preflight needs no token and no route, and every answer,
      // refusals and errors included, carries the headers.
      served = (request) => {
        const preflight = cors.preflight(request);
        if (preflight) return preflight;
        store.beginRequest();
        const answer = door(request);
        return answer instanceof Promise ? answer.then((r) => cors.decorate(request, r)) : cors.decorate(request, answer);
      };
    }
    return served!;
  };

  const app: Elysia<any, any, any, any, any, any, any> = new Elysia()
    .use(errorHandling({
      allowedMethods,
      logError: opts.logError ?? ((error) => console.error(error)),
    }))
    // Before the routes too: it notes each request's route before the route's auth can refuse it.
    .use(ops ? ops.plugin : new Elysia())
    // Before every route: a hook applies only to the routes registered after it.
    .use(conditionalRequests({ cache, dataVersion: store.dataVersion, codec }))
    .get("/healthz", () => ({ status: "ok" }), { detail: { hide: true } })
    .get("/readyz", ({ set }) => {
      const state = opts.readiness?.() ?? { ready: true, sync: "none" };
      if (!state.ready) set.status = 503;
      return state;
    }, { detail: { hide: true } })
    .use(docs(opts.docsAssets, version))
    .use(forgeApi(opts))
    .use(githubApi({ ...opts, budgetOf: ops?.door.budgetOf }, "/api/v3"))
    .use(githubApi({ ...opts, budgetOf: ops?.door.budgetOf }, ""))
    .wrap(around as never);
  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * The app's fetch handler for a real server. Elysia finds a URL's path by searching for "/"
 * from the 12th character, so a request whose Host is under four characters (`Host: git`)
 * would match no route: such a request is routed under a placeholder host, and the URLs
 * in its answer are still built from the host it was sent to.
 */
export function fetchHandler(app: App): (request: Request) => Response | Promise<Response> {
  // app.fetch, not app.handle: handle wraps every answer in a promise, and a remembered answer
  // is ready at once (a sync throw is still caught: by the front door, or by the server).
  const fetch = app.fetch as (request: Request) => Response | Promise<Response>;
  return (request) => {
    const url = request.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    if (pathStart >= 11 || pathStart === -1) return fetch(request);
    const routed = new Request("http://short-host.invalid" + url.slice(pathStart), request);
    rememberOrigin(routed, url.slice(0, pathStart));
    return fetch(routed);
  };
}
