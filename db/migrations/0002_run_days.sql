-- How many runs each repository has per day of created_at (UTC days; SQLite's integer
-- division), kept by triggers as runs are written, whoever writes them. A repository's
-- listing without filters finds page N by walking these counts to the day that holds the
-- page's first run, then walking the index from that day on: a deep page costs the days
-- and one day's runs, not its depth; and the listing's total is their sum.
CREATE TABLE run_days (
  repo_id INTEGER NOT NULL,
  day     INTEGER NOT NULL,
  runs    INTEGER NOT NULL,
  PRIMARY KEY (repo_id, day)
) WITHOUT ROWID;

INSERT INTO run_days (repo_id, day, runs)
  SELECT repo_id, created_at / 86400000, count(*) FROM workflow_runs GROUP BY 1, 2;

CREATE TRIGGER run_days_insert AFTER INSERT ON workflow_runs BEGIN
  INSERT INTO run_days (repo_id, day, runs) VALUES (NEW.repo_id, NEW.created_at / 86400000, 1)
    ON CONFLICT (repo_id, day) DO UPDATE SET runs = runs + 1;
END;

CREATE TRIGGER run_days_delete AFTER DELETE ON workflow_runs BEGIN
  UPDATE run_days SET runs = runs - 1 WHERE repo_id = OLD.repo_id AND day = OLD.created_at / 86400000;
  DELETE FROM run_days WHERE repo_id = OLD.repo_id AND day = OLD.created_at / 86400000 AND runs <= 0;
END;

CREATE TRIGGER run_days_move AFTER UPDATE OF repo_id, created_at ON workflow_runs
  WHEN OLD.repo_id IS NOT NEW.repo_id OR OLD.created_at / 86400000 IS NOT NEW.created_at / 86400000
BEGIN
  UPDATE run_days SET runs = runs - 1 WHERE repo_id = OLD.repo_id AND day = OLD.created_at / 86400000;
  DELETE FROM run_days WHERE repo_id = OLD.repo_id AND day = OLD.created_at / 86400000 AND runs <= 0;
  INSERT INTO run_days (repo_id, day, runs) VALUES (NEW.repo_id, NEW.created_at / 86400000, 1)
    ON CONFLICT (repo_id, day) DO UPDATE SET runs = runs + 1;
END;
