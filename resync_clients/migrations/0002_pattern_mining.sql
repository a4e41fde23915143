-- 0002_pattern_mining: which failed runs the pattern miner has counted, and into which pattern.
--
-- The nightly miner reads failed runs it has not counted yet, and records each one here in
-- the same transaction as the error_patterns counts it changes; a re-run or a run after a
-- crash therefore counts nothing twice. error_patterns.occurrences of a mined pattern is the
-- number of its rows here.
CREATE TABLE error_pattern_runs (
    run_id      text COLLATE "C" PRIMARY KEY REFERENCES job_runs (run_id) ON DELETE CASCADE,
    pattern_id  text COLLATE "C" NOT NULL REFERENCES error_patterns (pattern_id)
                ON DELETE CASCADE,
    mined_at    timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE error_pattern_runs IS
    'Failed runs counted by the pattern miner, with the mined pattern of their error line.';

CREATE INDEX error_pattern_runs_pattern_id_idx ON error_pattern_runs (pattern_id);
