// Under Deno the service runs from the repository: what the executable embeds (the demo
// database, Swagger UI's files) is read from the repository's own files, found from here.
// (Deno refuses Bun's `with { type: "file" }` imports, and `deno compile` is not used.)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DocsAssets } from "../../http/docs.ts";

/** The path of a file of the repository, from its root. */
export function repositoryFile(path: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", path);
}

/** Read once, on first use: the page needs them only when someone opens /openapi. */
function once(path: string): () => Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  return () => (bytes ??= new Uint8Array(readFileSync(repositoryFile(path))));
}

export const repositoryDocsAssets: DocsAssets = {
  script: once("node_modules/swagger-ui-dist/swagger-ui-bundle.js"),
  stylesheet: once("node_modules/swagger-ui-dist/swagger-ui.css"),
};
