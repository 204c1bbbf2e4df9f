// The OpenAPI document, generated from the route schemas, and Swagger UI served from the
// service itself: its script and stylesheet come from the runtime edge (embedded in the
// executable), so the page works with no network at all.
//
// The OpenAPI plugin (@elysiajs/openapi) is loaded, and the document made, by the first request
// for either: loaded at start, it was part of every start of the executable (spawn to the first
// 200, alternating starts: 122.6 → 116.1 and 125.4 → 121.3 ms for one process, 181.8 → 173.9 ms
// for two workers); the first request for the document takes 34 ms instead of 18. It documents
// an app of its own, made then from the same route plugins as the service's (`documented`), so
// the document is the one the routes give: byte for byte the one the plugin gave when mounted.
import { Elysia } from "elysia";
import type { AnyElysia } from "elysia";
import { assetBase, docsPath } from "./docs-paths.ts";

export interface DocsAssets {
  /** swagger-ui-bundle.js */
  script(): BodyInit;
  /** swagger-ui.css */
  stylesheet(): BodyInit;
}

const cached = { "cache-control": "public, max-age=86400" };

export function docs(assets: DocsAssets, version: string, documented: () => AnyElysia[]) {
  let documenting: Promise<AnyElysia> | null = null;
  const documentApp = () => (documenting ??= import("./openapi-document.ts").then((m) => m.documentApp(documented(), version)));
  return new Elysia({ name: "docs" })
    .get(`${assetBase}/swagger-ui-bundle.js`, () =>
      new Response(assets.script(), { headers: { "content-type": "text/javascript; charset=utf-8", ...cached } }),
      { detail: { hide: true } })
    .get(`${assetBase}/swagger-ui.css`, () =>
      new Response(assets.stylesheet(), { headers: { "content-type": "text/css; charset=utf-8", ...cached } }),
      { detail: { hide: true } })
    // Swagger UI's page, as the plugin makes it.
    .get(docsPath, async ({ request }) => (await documentApp()).handle(request), { detail: { hide: true } })
    // The document as a JSON value, answered as every other one is (its ETag, gzip).
    .get(`${docsPath}/json`, async ({ request }) => (await (await documentApp()).handle(request)).json() as Promise<object>, { detail: { hide: true } });
}
