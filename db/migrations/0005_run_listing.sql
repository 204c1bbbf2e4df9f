-- A repository's runs, newest first, with every column of the run: a page of runs is read
-- from this index alone, its thirty rows side by side on a few pages. The table is in id
-- order, where one repository's runs lie among every other repository's, so reading a page's
-- rows from it was a page of the file for each run (on the million-run file, 120 µs of a
-- first page's statement against 45 from here). Filtered listings find their page's keys in
-- their own index (0001) and read the rows from here by (repo_id, created_at, id).
-- The narrow workflow_runs_repo_created stays: counts and key walks read less of it.
-- Every column of workflow_runs is here, or a listing would go back to the table
-- (tests/unit/schema.test.ts holds it to the table's columns).
CREATE INDEX workflow_runs_repo_listing ON workflow_runs (
  repo_id, created_at DESC, id DESC,
  workflow_id, run_number, run_attempt, workflow_file, workflow_name, display_title, head_sha,
  head_ref, event, status, conclusion, actor_id, triggering_actor_id, started_at, completed_at,
  updated_at
);
