// The whole app in-process, over the seeded database, and a req() helper in the style of
// Elysia's own tests (always http://localhost: Elysia mis-parses hosts under 4 characters).
import { createApp } from "../../src/app.ts";
import { createStore } from "../../src/store/index.ts";
import { openDatabaseFile } from "../../src/runtime/bun/database.ts";
import { bunCodec } from "../../src/runtime/bun/codec.ts";
import { embeddedDocsAssets } from "../../src/runtime/bun/embedded.ts";
import { seededDatabase } from "./db.ts";

export interface ReqOptions { token?: string; method?: string; headers?: Record<string, string> }

export async function testApp() {
  const opened = openDatabaseFile(await seededDatabase());
  const store = createStore(opened.db, { dataVersion: opened.dataVersion });
  const app = createApp({ store, now: Date.now, docsAssets: embeddedDocsAssets, codec: bunCodec, logError: () => {} });
  const req = (path: string, opts: ReqOptions = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers.authorization = `token ${opts.token}`;
    return app.handle(new Request(`http://localhost${path}`, { method: opts.method ?? "GET", headers }));
  };
  return { app, store, req, sqlite: opened.sqlite };
}
