-- The sync's heartbeat: one row, written by the sync in the same transaction as each batch
-- it commits, and on its own when a state changes or, while nothing changes, at most once
-- every heartbeat_every_ms. Every reader of the file (serve --db, with or without
-- --sync-from) answers /readyz and /metrics from it. No row: nothing syncs this file.
-- Times are milliseconds since the epoch on the sync's clock (its host's).
CREATE TABLE sync_heartbeat (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  state               TEXT    NOT NULL,  -- starting, loading, following, source_down, failing, stopped
  state_since         INTEGER NOT NULL,
  beat_at             INTEGER NOT NULL,  -- when this row was written: the sync vouched for the copy then
  heartbeat_every_ms  INTEGER NOT NULL,  -- while nothing changes, the row is written this often
  stale_after_ms      INTEGER NOT NULL,  -- a row older than this: the sync is gone or stuck
  fresh_within_ms     INTEGER NOT NULL,  -- ready while lag_ms is at most this
  last_poll_at        INTEGER,           -- the end of the last change poll that succeeded
  data_as_of          INTEGER,           -- the copy matches the forge's primary as of this moment
  lag_ms              INTEGER,           -- last_poll_at − data_as_of: poll time plus replication lag
  last_batch_at       INTEGER,
  rows_applied        INTEGER NOT NULL,  -- by this sync process
  polls               INTEGER NOT NULL,
  load_table          TEXT,
  load_rows           INTEGER,
  last_error          TEXT,
  source_role         TEXT,              -- primary or standby; null until the source was reached
  source_receiving    INTEGER,           -- a standby's WAL receiver was running (1/0)
  replication_lag_ms  INTEGER,           -- a standby's replay lag behind its primary
  source_next_xid     INTEGER,           -- the source position: the next transaction id …
  source_deleted_seq  INTEGER            -- … and the last deleted_rows.seq applied
);
