-- The service's copy of the forge tables it serves (see the forge's schema.sql).
-- Timestamps are integer milliseconds since the Unix epoch (UTC); arrays are JSON text;
-- booleans are 0/1. There are no foreign keys: the sync applies a batch in one transaction
-- but not in dependency order, and the forge's deleted_rows already carries every cascade.

CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  login         TEXT    NOT NULL COLLATE NOCASE,
  type          TEXT    NOT NULL,
  site_admin    INTEGER NOT NULL DEFAULT 0,
  suspended_at  INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
-- Not unique: a rename swap may land in two batches; the forge keeps logins unique.
CREATE INDEX accounts_login ON accounts (login);

CREATE TABLE org_members (
  org_id      INTEGER NOT NULL,
  user_id     INTEGER NOT NULL,
  role        TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (org_id, user_id)
) WITHOUT ROWID;

CREATE TABLE repositories (
  id               INTEGER PRIMARY KEY,
  owner_id         INTEGER NOT NULL,
  name             TEXT    NOT NULL COLLATE NOCASE,
  visibility       TEXT    NOT NULL,
  actions_enabled  INTEGER NOT NULL DEFAULT 1,
  default_branch   TEXT    NOT NULL DEFAULT 'main',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  deleted_at       INTEGER
);
-- The lookup behind every request: owner id + name, live repositories only.
CREATE INDEX repositories_owner_name ON repositories (owner_id, name) WHERE deleted_at IS NULL;

CREATE TABLE repo_collaborators (
  repo_id     INTEGER NOT NULL,
  user_id     INTEGER NOT NULL,
  permission  TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (repo_id, user_id)
) WITHOUT ROWID;

CREATE TABLE personal_access_tokens (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  token_hash  TEXT    NOT NULL,
  scopes      TEXT    NOT NULL DEFAULT '[]',
  expires_at  INTEGER,
  revoked_at  INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX personal_access_tokens_hash ON personal_access_tokens (token_hash);

CREATE TABLE workflows (
  id          INTEGER PRIMARY KEY,
  repo_id     INTEGER NOT NULL,
  path        TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  state       TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
-- Listing a repository's workflows in id order, and finding one by its path.
CREATE INDEX workflows_repo_id ON workflows (repo_id, id);
CREATE INDEX workflows_repo_path ON workflows (repo_id, path);

CREATE TABLE workflow_runs (
  id                   INTEGER PRIMARY KEY,
  repo_id              INTEGER NOT NULL,
  workflow_id          INTEGER NOT NULL,
  run_number           INTEGER NOT NULL,
  run_attempt          INTEGER NOT NULL DEFAULT 1,
  workflow_file        TEXT    NOT NULL,
  workflow_name        TEXT    NOT NULL,
  display_title        TEXT    NOT NULL,
  head_sha             TEXT    NOT NULL,
  head_ref             TEXT    NOT NULL,
  event                TEXT    NOT NULL,
  status               TEXT    NOT NULL,
  conclusion           TEXT,
  actor_id             INTEGER,
  triggering_actor_id  INTEGER,
  started_at           INTEGER,
  completed_at         INTEGER,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);
-- Every listing is "one repository, newest first, id breaking ties". Each filter (and the
-- pairs gh sends together: branch + status or conclusion, workflow + branch) gets an index
-- in that order, ending in the rowid, so a page's ids are an index-only range walk — no
-- sort, no table rows touched for the rows a deep page skips — and a count is a range count.
CREATE INDEX workflow_runs_repo_created        ON workflow_runs (repo_id, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_workflow       ON workflow_runs (repo_id, workflow_id, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_workflow_ref   ON workflow_runs (repo_id, workflow_id, head_ref, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_file           ON workflow_runs (repo_id, workflow_file, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_ref            ON workflow_runs (repo_id, head_ref, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_ref_status     ON workflow_runs (repo_id, head_ref, status, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_ref_conclusion ON workflow_runs (repo_id, head_ref, conclusion, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_status         ON workflow_runs (repo_id, status, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_conclusion     ON workflow_runs (repo_id, conclusion, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_actor          ON workflow_runs (repo_id, actor_id, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_event          ON workflow_runs (repo_id, event, created_at DESC, id DESC);
CREATE INDEX workflow_runs_repo_sha            ON workflow_runs (repo_id, head_sha, created_at DESC, id DESC);

CREATE TABLE workflow_jobs (
  id                INTEGER PRIMARY KEY,
  run_id            INTEGER NOT NULL,
  run_attempt       INTEGER NOT NULL DEFAULT 1,
  job_index         INTEGER NOT NULL,
  job_key           TEXT    NOT NULL,
  job_name          TEXT    NOT NULL,
  runs_on           TEXT    NOT NULL,
  status            TEXT    NOT NULL,
  conclusion        TEXT,
  cancel_requested  INTEGER NOT NULL DEFAULT 0,
  needs_jobs        TEXT    NOT NULL DEFAULT '[]',
  runner_name       TEXT,
  started_at        INTEGER,
  completed_at      INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
-- A run's jobs of one attempt in declared order (and of all attempts, attempt by attempt).
CREATE INDEX workflow_jobs_run_attempt_index ON workflow_jobs (run_id, run_attempt, job_index);

CREATE TABLE workflow_steps (
  job_id        INTEGER NOT NULL,
  number        INTEGER NOT NULL,
  name          TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  conclusion    TEXT,
  started_at    INTEGER,
  completed_at  INTEGER,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (job_id, number)
) WITHOUT ROWID;

CREATE TABLE workflow_artifacts (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL,
  name           TEXT    NOT NULL,
  size_in_bytes  INTEGER NOT NULL,
  expires_at     INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX workflow_artifacts_run ON workflow_artifacts (run_id, id);

-- Key/value facts about this copy: where it came from, the sync's cursors.
CREATE TABLE sync_state (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;
