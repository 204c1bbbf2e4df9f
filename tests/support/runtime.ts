// The runtime's edges the in-process tests build their app with: Bun's under `bun test`,
// Deno's under `npm run test:deno` (each loaded only under its own runtime).
import type { Database } from "bun:sqlite";
import type { Codec } from "../../src/http/encoding.ts";
import type { DocsAssets } from "../../src/http/docs.ts";
import type { OpenedDatabase } from "../../src/runtime/types.ts";

export interface TestEdges {
  name: "bun" | "deno";
  /** Opened read-only, with the handle itself (Deno's adapter has bun:sqlite's shape). */
  openDatabaseFile(path: string): OpenedDatabase & { sqlite: Database };
  codec: Codec;
  docsAssets: DocsAssets;
}

export const underDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

async function load(): Promise<TestEdges> {
  if (underDeno) {
    const { denoRuntime } = await import("../../src/runtime/deno/index.ts");
    const { openDatabaseFile } = await import("../../src/runtime/deno/database.ts");
    return { name: "deno", openDatabaseFile: openDatabaseFile as unknown as TestEdges["openDatabaseFile"], codec: denoRuntime.codec, docsAssets: denoRuntime.docsAssets };
  }
  const { openDatabaseFile } = await import("../../src/runtime/bun/database.ts");
  const { bunCodec } = await import("../../src/runtime/bun/codec.ts");
  const { embeddedDocsAssets } = await import("../../src/runtime/bun/embedded.ts");
  return { name: "bun", openDatabaseFile, codec: bunCodec, docsAssets: embeddedDocsAssets };
}

export const edges: TestEdges = await load();
