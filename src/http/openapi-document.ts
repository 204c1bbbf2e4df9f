// The app the OpenAPI document is made from (see docs.ts): the service's route plugins and
// @elysiajs/openapi, loaded by the first request for the document or for Swagger UI's page.
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import type { AnyElysia } from "elysia";
import { assetBase, docsPath } from "./docs-paths.ts";

export function documentApp(routes: AnyElysia[], version: string): AnyElysia {
  return new Elysia()
    .use(routes)
    .use(openapi({
      path: docsPath,
      provider: "swagger-ui",
      swagger: { cdn: `${assetBase}/swagger-ui-bundle.js`, theme: `${assetBase}/swagger-ui.css`, autoDarkMode: false },
      exclude: { paths: [/^\/openapi/] },
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
