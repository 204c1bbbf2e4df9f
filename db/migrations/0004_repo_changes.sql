-- Which repositories each commit changed, for answers remembered per repository: every
-- write to a table an answer is made of raises the repository's seq to one past the highest
-- seq in the table, whoever writes (the sync, the seed, any SQL), in the same transaction as
-- the write itself. A reader that last looked at seq N finds what changed since with one
-- range read (seq > N), and keeps a repository's remembered answers while its seq stays.
--
-- repo_id 0 stands for every repository: an account (a repository's owner, a run's actor)
-- is part of answers of any repository. Tokens, memberships and collaborators are not part
-- of any answer: who may read one is decided again for every request, so they raise only
-- repo_id -1, the seq of the facts the auth chain reads (see the end of this file). A row whose parent is not there yet (a job before its run)
-- raises none either: it is in no answer until the parent is written, which raises it.
CREATE TABLE repo_changes (
  repo_id  INTEGER PRIMARY KEY,
  seq      INTEGER NOT NULL
);
CREATE INDEX repo_changes_seq ON repo_changes (seq);

CREATE TRIGGER repo_changes_account_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (0, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_account_update AFTER UPDATE ON accounts BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (0, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_account_delete AFTER DELETE ON accounts BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (0, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_repository_insert AFTER INSERT ON repositories BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE NEW.id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_repository_update AFTER UPDATE ON repositories BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT NEW.id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE NEW.id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    SELECT OLD.id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE OLD.id IS NOT NULL AND OLD.id IS NOT NEW.id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_repository_delete AFTER DELETE ON repositories BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT OLD.id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE OLD.id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_workflow_insert AFTER INSERT ON workflows BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT NEW.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_workflow_update AFTER UPDATE ON workflows BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT NEW.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    SELECT OLD.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE OLD.repo_id IS NOT NULL AND OLD.repo_id IS NOT NEW.repo_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_workflow_delete AFTER DELETE ON workflows BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT OLD.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE OLD.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_run_insert AFTER INSERT ON workflow_runs BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT NEW.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_run_update AFTER UPDATE ON workflow_runs BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT NEW.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    SELECT OLD.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE OLD.repo_id IS NOT NULL AND OLD.repo_id IS NOT NEW.repo_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_run_delete AFTER DELETE ON workflow_runs BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT OLD.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) WHERE OLD.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_job_insert AFTER INSERT ON workflow_jobs BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_job_update AFTER UPDATE ON workflow_jobs BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = OLD.run_id AND OLD.run_id IS NOT NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_job_delete AFTER DELETE ON workflow_jobs BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = OLD.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_step_insert AFTER INSERT ON workflow_steps BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT r.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = NEW.job_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_step_update AFTER UPDATE ON workflow_steps BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT r.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = NEW.job_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    SELECT r.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = OLD.job_id AND OLD.job_id IS NOT NEW.job_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_step_delete AFTER DELETE ON workflow_steps BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT r.repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = OLD.job_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_artifact_insert AFTER INSERT ON workflow_artifacts BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_artifact_update AFTER UPDATE ON workflow_artifacts BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = OLD.run_id AND OLD.run_id IS NOT NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_artifact_delete AFTER DELETE ON workflow_artifacts BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    SELECT repo_id, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes) FROM workflow_runs WHERE id = OLD.run_id
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- The facts the auth chain reads: tokens, memberships, collaborators, and (above) accounts and
-- repositories. They are in no answer's bytes, but the lookups of them are remembered until
-- they change (row -1), rather than until any commit.
CREATE TRIGGER repo_changes_token_insert AFTER INSERT ON personal_access_tokens BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_token_update AFTER UPDATE ON personal_access_tokens BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_token_delete AFTER DELETE ON personal_access_tokens BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_member_insert AFTER INSERT ON org_members BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_member_update AFTER UPDATE ON org_members BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_member_delete AFTER DELETE ON org_members BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_collaborator_insert AFTER INSERT ON repo_collaborators BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_collaborator_update AFTER UPDATE ON repo_collaborators BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER repo_changes_collaborator_delete AFTER DELETE ON repo_collaborators BEGIN
  INSERT INTO repo_changes (repo_id, seq)
    VALUES (-1, (SELECT coalesce(max(seq), 0) + 1 FROM repo_changes))
    ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq;
END;

-- What the file already holds counts as one change of every repository and of every fact.
INSERT INTO repo_changes (repo_id, seq) VALUES (0, 1), (-1, 1);
