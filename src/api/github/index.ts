// GitHub's Actions REST API over the forge's data, served at a prefix: "/api/v3" (where gh
// looks on an enterprise host) and "" (the root, as api.github.com lays it out).
import { Elysia } from "elysia";
import type { ApiContext } from "../context.ts";
import { absentRoutes } from "./absent.ts";
import { artifactRoutes } from "./artifacts.ts";
import { jobRoutes } from "./jobs.ts";
import { runRoutes } from "./runs.ts";
import { workflowRoutes } from "./workflows.ts";

export function githubApi(ctx: ApiContext, prefix: "/api/v3" | "") {
  return new Elysia({ name: `github-api${prefix}`, prefix, tags: ["GitHub-compatible"] })
    .use(runRoutes(ctx, prefix))
    .use(jobRoutes(ctx, prefix))
    .use(workflowRoutes(ctx, prefix))
    .use(artifactRoutes(ctx, prefix))
    .use(absentRoutes(ctx, prefix));
}
