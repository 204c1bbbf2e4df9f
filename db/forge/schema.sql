-- The forge's PostgreSQL tables as this service depends on them (PostgreSQL 15+): what the
-- sync reads, what `seed --postgres` and the tests create and write. The forge owns the real
-- schema; this is the project's statement of the part it relies on, and
-- tests/forge-contract.test.ts holds it to the forge's schema.sql wherever that file is present:
-- every table, column, type, nullability, default, key, constraint and trigger here must be
-- the forge's, and nothing the forge declares on these columns may be missing here.
--
-- What the service relies on, beyond the columns it copies:
--   * integer primary keys: the sync pages through each table in key order;
--   * an index on updated_at per table: the sync's change window walks it;
--   * *_touch triggers set updated_at := clock_timestamp() on every insert and update, so a
--     write is found by its time of writing (not its transaction's start, nor its commit);
--   * *_deleted triggers append every delete, cascaded ones included, to deleted_rows, in the
--     deleting transaction, keyed by the deleted row's primary key as JSON;
--   * deleted_rows.seq from a bigint sequence, assigned at write time (not commit time);
--   * ON DELETE CASCADE where the forge has it: a deleted repository takes its runs with it;
--   * the unique keys and CHECKs: logins unique case-insensitively, the status vocabularies,
--     conclusion set exactly when completed; the seed and the tests write within them.
-- Load it into an empty database with `psql -v ON_ERROR_STOP=1 -d DB -f db/forge/schema.sql`.
-- Left out: the forge's workflow_runs (repo_id, created_at DESC, id DESC) index, which no query
-- of this service sends to PostgreSQL (the SQLite copy has its own).

CREATE TABLE accounts (
  id            bigint PRIMARY KEY,
  login         text        NOT NULL,
  type          text        NOT NULL CHECK (type IN ('User', 'Organization')),
  site_admin    boolean     NOT NULL DEFAULT false,
  suspended_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_login_key ON accounts (lower(login));

CREATE TABLE org_members (
  org_id      bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_id     bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role        text        NOT NULL CHECK (role IN ('member', 'owner')),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);

CREATE TABLE repositories (
  id               bigint PRIMARY KEY,
  owner_id         bigint      NOT NULL REFERENCES accounts (id),
  name             text        NOT NULL,
  visibility       text        NOT NULL CHECK (visibility IN ('public', 'internal', 'private')),
  actions_enabled  boolean     NOT NULL DEFAULT true,
  default_branch   text        NOT NULL DEFAULT 'main',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz
);
CREATE UNIQUE INDEX repositories_owner_name_key ON repositories (owner_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE repo_collaborators (
  repo_id     bigint      NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  user_id     bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  permission  text        NOT NULL CHECK (permission IN ('read', 'triage', 'write', 'maintain', 'admin')),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repo_id, user_id)
);

-- token_hash: the lowercase hex SHA-256 of the raw token, which is never stored.
CREATE TABLE personal_access_tokens (
  id            bigint PRIMARY KEY,
  user_id       bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name          text        NOT NULL,
  token_hash    text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  scopes        text[]      NOT NULL DEFAULT '{}',
  expires_at    timestamptz,
  revoked_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workflows (
  id          bigint PRIMARY KEY,
  repo_id     bigint      NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  path        text        NOT NULL,
  name        text        NOT NULL,
  state       text        NOT NULL CHECK (state IN ('active', 'disabled_manually', 'disabled_inactivity', 'deleted')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (repo_id, path)
);

CREATE TABLE workflow_runs (
  id             bigint PRIMARY KEY,
  repo_id        bigint      NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  workflow_id    bigint      NOT NULL REFERENCES workflows (id),
  run_number     integer     NOT NULL,
  run_attempt    integer     NOT NULL DEFAULT 1,
  workflow_file  text        NOT NULL,
  workflow_name  text        NOT NULL,
  display_title  text        NOT NULL,
  head_sha       text        NOT NULL CHECK (head_sha ~ '^[0-9a-f]{40}$'),
  head_ref       text        NOT NULL,
  event          text        NOT NULL,
  status         text        NOT NULL CHECK (status IN ('queued', 'waiting', 'running', 'completed')),
  conclusion     text        CHECK (conclusion IN ('success', 'failure', 'cancelled', 'skipped', 'timed_out',
                                                   'neutral', 'action_required', 'startup_failure', 'stale')),
  actor_id       bigint      REFERENCES accounts (id),
  triggering_actor_id bigint REFERENCES accounts (id),
  started_at     timestamptz,
  completed_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'completed') = (conclusion IS NOT NULL))
);

CREATE TABLE workflow_jobs (
  id                bigint PRIMARY KEY,
  run_id            bigint      NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
  run_attempt       integer     NOT NULL DEFAULT 1,
  job_index         integer     NOT NULL,
  job_key           text        NOT NULL,
  job_name          text        NOT NULL,
  runs_on           text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('queued', 'waiting', 'running', 'completed')),
  conclusion        text        CHECK (conclusion IN ('success', 'failure', 'cancelled', 'skipped', 'timed_out',
                                                      'neutral', 'action_required')),
  cancel_requested  boolean     NOT NULL DEFAULT false,
  needs_jobs        text[]      NOT NULL DEFAULT '{}',
  runner_name       text,
  started_at        timestamptz,
  completed_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, run_attempt, job_index)
);

CREATE TABLE workflow_steps (
  job_id        bigint      NOT NULL REFERENCES workflow_jobs (id) ON DELETE CASCADE,
  number        integer     NOT NULL,
  name          text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('queued', 'running', 'completed')),
  conclusion    text        CHECK (conclusion IN ('success', 'failure', 'cancelled', 'skipped')),
  started_at    timestamptz,
  completed_at  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, number)
);

CREATE TABLE workflow_artifacts (
  id             bigint PRIMARY KEY,
  run_id         bigint      NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
  name           text        NOT NULL,
  size_in_bytes  bigint      NOT NULL,
  expires_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deleted_rows (
  seq         bigserial PRIMARY KEY,
  table_name  text        NOT NULL,
  row_key     jsonb       NOT NULL,          -- e.g. {"id": 42}, {"job_id": 7, "number": 3}
  deleted_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION forge_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END $$;

-- Trigger arguments name the table's primary-key columns.
CREATE FUNCTION forge_record_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb := to_jsonb(OLD);
  key jsonb := '{}';
  col text;
BEGIN
  FOREACH col IN ARRAY TG_ARGV LOOP
    key := key || jsonb_build_object(col, old_row -> col);
  END LOOP;
  INSERT INTO deleted_rows (table_name, row_key) VALUES (TG_TABLE_NAME, key);
  RETURN OLD;
END $$;

-- Per table: <table>_touch, <table>_deleted (its arguments: the primary-key columns) and the
-- <table>_updated_at index.
DO $$
DECLARE
  t text;
  keys text;
BEGIN
  FOR t, keys IN VALUES
    ('accounts', 'id'), ('org_members', 'org_id, user_id'), ('repositories', 'id'),
    ('repo_collaborators', 'repo_id, user_id'), ('personal_access_tokens', 'id'), ('workflows', 'id'),
    ('workflow_runs', 'id'), ('workflow_jobs', 'id'), ('workflow_steps', 'job_id, number'),
    ('workflow_artifacts', 'id')
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION forge_touch()', t || '_touch', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION forge_record_delete(%s)',
                   t || '_deleted', t, (SELECT string_agg(quote_literal(k), ', ') FROM unnest(string_to_array(replace(keys, ' ', ''), ',')) k));
    EXECUTE format('CREATE INDEX %I ON %I (updated_at)', t || '_updated_at', t);
  END LOOP;
END $$;
