// The OpenAPI document, generated from the route schemas, and Swagger UI served from the
// service itself: its script and stylesheet come from the runtime edge (embedded in the
// executable), so the page works with no network at all.
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";

export interface DocsAssets {
  /** swagger-ui-bundle.js */
  script(): BodyInit;
  /** swagger-ui.css */
  stylesheet(): BodyInit;
}

const assetBase = "/openapi/assets";
const cached = { "cache-control": "public, max-age=86400" };

export function docs(assets: DocsAssets, version: string) {
  return new Elysia({ name: "docs" })
    .get(`${assetBase}/swagger-ui-bundle.js`, () =>
      new Response(assets.script(), { headers: { "content-type": "text/javascript; charset=utf-8", ...cached } }),
      { detail: { hide: true } })
    .get(`${assetBase}/swagger-ui.css`, () =>
      new Response(assets.stylesheet(), { headers: { "content-type": "text/css; charset=utf-8", ...cached } }),
      { detail: { hide: true } })
    .use(openapi({
      path: "/openapi",
      provider: "swagger-ui",
      swagger: { cdn: `${assetBase}/swagger-ui-bundle.js`, theme: `${assetBase}/swagger-ui.css`, autoDarkMode: false },
      exclude: { paths: [/^\/openapi/, "/healthz", "/readyz", "/metrics"] },
      documentation: {
        info: {
          title: "actions-runs",
          version,
          description:
            "Read-only Actions workflow runs, jobs and steps of the forge: its own `/api/v1` contract, and GitHub's Actions REST API at `/api/v3` and at the root. Every route needs a personal access token with `repo:read` (or `repo:write`, `repo`): `Authorization: token <t>` or `Bearer <t>`.",
        },
        components: {
          securitySchemes: { token: { type: "http", scheme: "bearer", description: "Personal access token" } },
        },
        security: [{ token: [] }],
      },
    }));
}
