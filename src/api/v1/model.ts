import { t } from "elysia";
import { PageQuery, forgeStatuses, oneOf, runConclusions } from "../model.ts";

const timestamp = t.Union([t.String({ format: "date-time" }), t.Null()]);

export const RunsQuery = t.Object({
  workflow_file: t.Optional(t.String({ description: "Exact path of the workflow file, e.g. .shithub/workflows/ci.yml" })),
  head_ref: t.Optional(t.String({ description: "Branch or tag the run was triggered against" })),
  actor: t.Optional(t.String({ description: "Login of the user who triggered the run" })),
  event: t.Optional(t.String({ description: "push, pull_request, workflow_dispatch, …" })),
  status: t.Optional(oneOf(forgeStatuses, "The forge's run status")),
  conclusion: t.Optional(oneOf(runConclusions, "Set exactly when status is completed")),
  ...PageQuery,
});

export const JobsQuery = t.Object({ ...PageQuery });

export const Run = t.Object({
  id: t.Integer(),
  run_number: t.Integer(),
  run_attempt: t.Integer(),
  workflow_file: t.String(),
  workflow_name: t.String(),
  display_title: t.String(),
  head_sha: t.String(),
  head_ref: t.String(),
  event: t.String(),
  status: oneOf(forgeStatuses),
  conclusion: t.Union([t.String(), t.Null()]),
  actor_id: t.Union([t.Integer(), t.Null()]),
  actor_username: t.Union([t.String(), t.Null()]),
  started_at: timestamp,
  completed_at: timestamp,
  created_at: t.String({ format: "date-time" }),
  updated_at: t.String({ format: "date-time" }),
}, { title: "ForgeRun" });

export const Job = t.Object({
  id: t.Integer(),
  run_id: t.Integer(),
  run_attempt: t.Integer(),
  job_index: t.Integer(),
  job_key: t.String(),
  job_name: t.String(),
  runs_on: t.String(),
  status: oneOf(forgeStatuses),
  conclusion: t.Union([t.String(), t.Null()]),
  cancel_requested: t.Boolean(),
  needs_jobs: t.Array(t.String()),
  started_at: timestamp,
  completed_at: timestamp,
  created_at: t.String({ format: "date-time" }),
}, { title: "ForgeJob" });
