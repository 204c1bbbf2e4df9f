// Deno's runtime: node:sqlite (behind drizzle's bun-sqlite session), Deno.serve, a codec of
// libxxhash and node:zlib, the repository's own files for what the executable embeds, and the
// `pg` package for the sync's source. Loaded only by the Deno entry (src/main-deno.ts).
import { openPgSource } from "../../sync/deno/pg-source.ts";
import { openSqliteCopy } from "../../sync/deno/sqlite-copy.ts";
import type { SyncEdges } from "../../sync/index.ts";
import type { Runtime } from "../types.ts";
import { denoCodec } from "./codec.ts";
import { openDatabaseFile, openEmbeddedDemo } from "./database.ts";
import { repositoryDocsAssets } from "./files.ts";
import { listen } from "./serve.ts";

export const denoSyncEdges: SyncEdges = { openSource: openPgSource, openTarget: openSqliteCopy };

export const denoRuntime: Runtime = {
  name: `deno ${Deno.version.deno}`,
  openDatabaseFile,
  openEmbeddedDemo,
  listen,
  codec: denoCodec,
  docsAssets: repositoryDocsAssets,
  sync: denoSyncEdges,
};
