// GitHub's Actions REST API over the forge's data, served at a prefix: "/api/v3" (where gh
// looks on an enterprise host) and "" (the root, as api.github.com lays it out); GraphQL at
// /api/graphql (an enterprise host's) and /graphql (api.github.com's), with the root surface.
import { Elysia } from "elysia";
import type { ApiSettings } from "../settings.ts";
import { absentRoutes } from "./absent.ts";
import { artifactRoutes } from "./artifacts.ts";
import { graphqlRoutes } from "./graphql.ts";
import { jobRoutes } from "./jobs.ts";
import { rateLimitRoutes } from "./rate-limit.ts";
import { readOnlyRoutes } from "./read-only.ts";
import { repositoryRoutes } from "./repository.ts";
import { runRoutes } from "./runs.ts";
import { timingRoutes } from "./timing.ts";
import { userRoutes } from "./user.ts";
import { workflowRoutes } from "./workflows.ts";

// Typed as a plain Elysia: the union of every route's types is more than TypeScript can hold,
// and nothing reads it (the app routes by path; the OpenAPI document comes from the schemas).
export function githubApi(settings: ApiSettings, prefix: "/api/v3" | ""): Elysia {
  const plugin: Elysia<any, any, any, any, any, any, any> = new Elysia({ name: `github-api${prefix}`, prefix, tags: ["GitHub-compatible"] })
    .use(userRoutes(settings, prefix))
    .use(rateLimitRoutes(settings, prefix))
    .use(repositoryRoutes(settings, prefix))
    .use(runRoutes(settings, prefix))
    .use(timingRoutes(prefix))
    .use(jobRoutes(settings, prefix))
    .use(workflowRoutes(settings, prefix))
    .use(artifactRoutes(settings, prefix))
    .use(absentRoutes(prefix))
    .use(readOnlyRoutes(settings, prefix))
    .use(prefix === "" ? graphqlRoutes(settings) : new Elysia());
  return plugin as Elysia;
}
