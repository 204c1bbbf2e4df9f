// GitHub's Actions REST API over the forge's data, served at a prefix: "/api/v3" (where gh
// looks on an enterprise host) and "" (the root, as api.github.com lays it out).
import { Elysia } from "elysia";
import type { ApiSettings } from "../settings.ts";
import { absentRoutes } from "./absent.ts";
import { artifactRoutes } from "./artifacts.ts";
import { jobRoutes } from "./jobs.ts";
import { runRoutes } from "./runs.ts";
import { workflowRoutes } from "./workflows.ts";

export function githubApi(settings: ApiSettings, prefix: "/api/v3" | "") {
  return new Elysia({ name: `github-api${prefix}`, prefix, tags: ["GitHub-compatible"] })
    .use(runRoutes(settings, prefix))
    .use(jobRoutes(settings, prefix))
    .use(workflowRoutes(settings, prefix))
    .use(artifactRoutes(settings, prefix))
    .use(absentRoutes(prefix));
}
