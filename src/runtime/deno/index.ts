// Deno's runtime: node:sqlite (behind drizzle's bun-sqlite session), Deno.serve, a codec of
// libxxhash and node:zlib, the repository's own files for what the executable embeds, and the
// `pg` package for the sync's source (sync-edges.ts). Loaded only by the Deno entry (src/main-deno.ts).
import type { Runtime } from "../types.ts";
import { denoCodec } from "./codec.ts";
import { openDatabaseFile, openEmbeddedDemo } from "./database.ts";
import { repositoryDocsAssets } from "./files.ts";
import { listen } from "./serve.ts";

export const denoRuntime: Runtime = {
  name: `deno ${Deno.version.deno}`,
  openDatabaseFile,
  openEmbeddedDemo,
  listen,
  codec: denoCodec,
  docsAssets: repositoryDocsAssets,
  syncEdges: async () => (await import("./sync-edges.ts")).denoSyncEdges,
};
