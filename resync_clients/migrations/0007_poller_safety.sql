-- 0007_poller_safety: what keeps one bad record, one cut joblog or one lost lock from hurting
-- the poller.
--
-- poller_state.epoch: bumped by each poller that takes the poller lock; a cycle saves its
-- cursor only while the epoch is still the one it started with, so a poller that lost its
-- lock session (and was replaced) cannot commit over its successor.
ALTER TABLE poller_state ADD COLUMN epoch bigint NOT NULL DEFAULT 0;

COMMENT ON COLUMN poller_state.epoch IS
    'Bumped when a poller takes the lock; cursor writes are fenced on it.';

-- A joblog whose trailer is missing although the run ended was cut short in transit: it is
-- kept (better than nothing) but fetched again, at most a few times (joblog_attempts).
ALTER TABLE job_runs
    ADD COLUMN joblog_complete boolean,
    ADD COLUMN joblog_attempts smallint NOT NULL DEFAULT 0 CHECK (joblog_attempts >= 0);

COMMENT ON COLUMN job_runs.joblog_complete IS
    'False when the stored joblog lacks its trailer (cut short); null when not checked.';

-- Job runs from TWS that the job_runs constraints would reject. A clamped run was stored with
-- the value corrected; a quarantined one was left out (the rest of its cycle was stored).
CREATE TABLE job_run_quarantine (
    run_id       text COLLATE "C" PRIMARY KEY,
    job_key      text COLLATE "C",
    action       text COLLATE "C" NOT NULL CHECK (action IN ('clamped', 'quarantined')),
    reasons      jsonb NOT NULL DEFAULT '[]',
    payload      jsonb NOT NULL,                 -- the record as the poller read it
    first_seen   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    occurrences  bigint NOT NULL DEFAULT 1 CHECK (occurrences >= 1)
);

COMMENT ON TABLE job_run_quarantine IS
    'Job runs the poller had to correct (clamped) or leave out (quarantined), with why.';

CREATE INDEX job_run_quarantine_last_seen_idx ON job_run_quarantine (last_seen DESC);
