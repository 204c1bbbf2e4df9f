// Route schemas of the GitHub-compatible surface: GitHub's parameter names and values.
import { t } from "elysia";
import { PageQuery, RepoParams, decimal, oneOf } from "../model.ts";
import { statusFilterValues } from "./status.ts";

// GitHub clients send booleans as true/false or 1/0 (PyGithub sends 1).
const BooleanParam = oneOf(["true", "false", "1", "0"]);

export const RunsQuery = t.Object({
  actor: t.Optional(t.String({ description: "Login of the user who triggered the run" })),
  branch: t.Optional(t.String({ description: "Branch (or tag) the run ran on" })),
  event: t.Optional(t.String({ description: "push, pull_request, workflow_dispatch, schedule, …" })),
  status: t.Optional(oneOf(statusFilterValues, "A status or a conclusion")),
  created: t.Optional(t.String({ description: "GitHub's date search syntax: 2024-05-01, >=2024-05-01, 2024-05-01..2024-05-31, *..2024-05-31T12:00:00+02:00" })),
  head_sha: t.Optional(t.String()),
  check_suite_id: t.Optional(decimal("Each run is its own check suite: this is the run's id")),
  exclude_pull_requests: t.Optional(BooleanParam),
  ...PageQuery,
});

export const RunQuery = t.Object({ exclude_pull_requests: t.Optional(BooleanParam) });

export const JobsQuery = t.Object({
  filter: t.Optional(oneOf(["latest", "all"], "latest (default): the latest attempt's jobs; all: every attempt's")),
  ...PageQuery,
});

export const PageOnlyQuery = t.Object({ ...PageQuery });

// Ids stay strings: a non-numeric id names nothing, so it gets the 404 of a missing one.
export const RunParams = t.Object({ ...RepoParams.properties, run_id: t.String() });
export const AttemptParams = t.Object({ ...RunParams.properties, attempt_number: t.String() });
export const JobParams = t.Object({ ...RepoParams.properties, job_id: t.String() });
export const WorkflowParams = t.Object({
  ...RepoParams.properties,
  workflow_id: t.String({ description: "The workflow's id, or its file name (ci.yml)" }),
});
export const CheckRunParams = t.Object({ ...RepoParams.properties, check_run_id: t.String() });
