// Bun's runtime: bun:sqlite (with the wal-index change signal), Bun.serve, Bun's codec, the
// files embedded in the executable, and Bun.sql for the sync's source (sync-edges.ts).
import type { Runtime } from "../types.ts";
import { bunCodec } from "./codec.ts";
import { openDatabaseFile, openEmbeddedDemo } from "./database.ts";
import { embeddedDocsAssets } from "./embedded.ts";
import { listen } from "./serve.ts";

export const bunRuntime: Runtime = {
  name: `bun ${Bun.version}`,
  openDatabaseFile,
  openEmbeddedDemo,
  listen,
  codec: bunCodec,
  collectGarbage: () => Bun.gc(true),
  docsAssets: embeddedDocsAssets,
  syncEdges: async () => (await import("./sync-edges.ts")).bunSyncEdges,
};
