-- Which repositories each commit changed, for answers remembered per repository: every
-- write to a table an answer is made of counts one more write of its repository, whoever
-- writes (the sync, the seed, any SQL), in the same transaction as the write itself. A
-- reader compares each repository's count with the one it saw, when the data version moves
-- (one read of this table: a row per repository), and keeps a repository's remembered
-- answers while its count stays. A count, not a sequence: no index to keep and no max() to
-- find, so a write costs one more primary-key update (measured on the sync's writer).
--
-- repo_id 0 stands for every repository: an account (a repository's owner, a run's actor)
-- is part of answers of any repository. Tokens, memberships and collaborators are not part
-- of any answer: who may read one is decided again for every request, so they raise only
-- repo_id -1, the count of the facts the auth chain reads (see the end of this file). A row
-- whose parent is not there yet (a job before its run) counts for no repository: it is in no
-- answer until the parent is written, which counts.
CREATE TABLE repo_changes (
  repo_id  INTEGER PRIMARY KEY,
  writes   INTEGER NOT NULL
);

CREATE TRIGGER repo_changes_account_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (0, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_account_update AFTER UPDATE ON accounts BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (0, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_account_delete AFTER DELETE ON accounts BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (0, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_repository_insert AFTER INSERT ON repositories BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT NEW.id, 1 WHERE NEW.id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_repository_update AFTER UPDATE ON repositories BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT NEW.id, 1 WHERE NEW.id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    SELECT OLD.id, 1 WHERE OLD.id IS NOT NULL AND OLD.id IS NOT NEW.id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_repository_delete AFTER DELETE ON repositories BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT OLD.id, 1 WHERE OLD.id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_workflow_insert AFTER INSERT ON workflows BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT NEW.repo_id, 1 WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_workflow_update AFTER UPDATE ON workflows BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT NEW.repo_id, 1 WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    SELECT OLD.repo_id, 1 WHERE OLD.repo_id IS NOT NULL AND OLD.repo_id IS NOT NEW.repo_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_workflow_delete AFTER DELETE ON workflows BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT OLD.repo_id, 1 WHERE OLD.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_run_insert AFTER INSERT ON workflow_runs BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT NEW.repo_id, 1 WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_run_update AFTER UPDATE ON workflow_runs BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT NEW.repo_id, 1 WHERE NEW.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    SELECT OLD.repo_id, 1 WHERE OLD.repo_id IS NOT NULL AND OLD.repo_id IS NOT NEW.repo_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_run_delete AFTER DELETE ON workflow_runs BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT OLD.repo_id, 1 WHERE OLD.repo_id IS NOT NULL
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_job_insert AFTER INSERT ON workflow_jobs BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_job_update AFTER UPDATE ON workflow_jobs BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = OLD.run_id AND OLD.run_id IS NOT NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_job_delete AFTER DELETE ON workflow_jobs BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = OLD.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_step_insert AFTER INSERT ON workflow_steps BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT r.repo_id, 1 FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = NEW.job_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_step_update AFTER UPDATE ON workflow_steps BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT r.repo_id, 1 FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = NEW.job_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    SELECT r.repo_id, 1 FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = OLD.job_id AND OLD.job_id IS NOT NEW.job_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_step_delete AFTER DELETE ON workflow_steps BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT r.repo_id, 1 FROM workflow_jobs j JOIN workflow_runs r ON r.id = j.run_id WHERE j.id = OLD.job_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_artifact_insert AFTER INSERT ON workflow_artifacts BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- A row moved to another repository changes the answers of both.
CREATE TRIGGER repo_changes_artifact_update AFTER UPDATE ON workflow_artifacts BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = OLD.run_id AND OLD.run_id IS NOT NEW.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_artifact_delete AFTER DELETE ON workflow_artifacts BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    SELECT repo_id, 1 FROM workflow_runs WHERE id = OLD.run_id
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- The facts the auth chain reads: tokens, memberships, collaborators, and (above) accounts and
-- repositories. They are in no answer's bytes, but the lookups of them are remembered until
-- they change (row -1), rather than until any commit.
CREATE TRIGGER repo_changes_token_insert AFTER INSERT ON personal_access_tokens BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_token_update AFTER UPDATE ON personal_access_tokens BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_token_delete AFTER DELETE ON personal_access_tokens BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_member_insert AFTER INSERT ON org_members BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_member_update AFTER UPDATE ON org_members BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_member_delete AFTER DELETE ON org_members BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_collaborator_insert AFTER INSERT ON repo_collaborators BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_collaborator_update AFTER UPDATE ON repo_collaborators BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

CREATE TRIGGER repo_changes_collaborator_delete AFTER DELETE ON repo_collaborators BEGIN
  INSERT INTO repo_changes (repo_id, writes)
    VALUES (-1, 1)
    ON CONFLICT (repo_id) DO UPDATE SET writes = writes + 1;
END;

-- What the file already holds counts as one change of every repository and of every fact.
INSERT INTO repo_changes (repo_id, writes) VALUES (0, 1), (-1, 1);
