// The whole app in-process, as production composes it (src/http/app.ts), over the seeded
// database or a given file, and a req() helper in the style of Elysia's own tests (always
// http://localhost: Elysia mis-parses hosts under 4 characters). Limits and logs are off
// unless asked for; remembered answers are on, as in production. The runtime's edges are
// Bun's, or Deno's under `npm run test:deno` (support/runtime.ts).
import { createApp } from "../../src/http/app.ts";
import type { AppOptions } from "../../src/http/app.ts";
import type { Peer } from "../../src/http/pipeline.ts";
import { defaultLimits } from "../../src/limits/config.ts";
import type { LimitsConfig } from "../../src/limits/config.ts";
import { createStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { seededDatabase } from "./db.ts";
import { edges } from "./runtime.ts";

export interface ReqOptions { token?: string; method?: string; headers?: Record<string, string> }

export interface TestAppOptions extends Partial<Omit<AppOptions, "store" | "limits">> {
  /** The database file to serve (default: the seeded one, shared by the test process: do not write to it). */
  db?: string;
  /** False: the database's change signal is not given, so nothing is remembered across requests. */
  changeSignal?: boolean;
  /** Limits on top of the defaults; absent: no limits. */
  limits?: Partial<LimitsConfig>;
  /** The client address the server would report for a request. */
  peer?: (request: Request) => string | null;
  /** Wraps the store the app reads through (to count or observe its calls). */
  wrapStore?: (store: Store) => Store;
}

export async function testApp(options: TestAppOptions = {}) {
  const { db, changeSignal = true, limits, peer: address, wrapStore, ...rest } = options;
  const opened = edges.openDatabaseFile(db ?? (await seededDatabase()));
  const store = createStore(opened.db, opened.readTransaction);
  const app = createApp({
    store: wrapStore ? wrapStore(store) : store,
    dataVersion: changeSignal ? opened.dataVersion : undefined,
    docsAssets: edges.docsAssets,
    codec: edges.codec,
    limits: limits && { ...defaultLimits, ...limits },
    ...rest,
  });
  const peer: Peer | null = address ? { address } : null;
  const handle = (request: Request) => app.handle(request, peer);
  const req = (path: string, opts: ReqOptions = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers.authorization = `token ${opts.token}`;
    return handle(new Request(`http://localhost${path}`, { method: opts.method ?? "GET", headers }));
  };
  return { app, store, req, handle, opened, sqlite: opened.sqlite, close: () => opened.close() };
}
