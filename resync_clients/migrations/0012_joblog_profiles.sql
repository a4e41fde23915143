-- 0012_joblog_profiles: what each job prints when it succeeds, for the joblog analyser.
--
-- joblog_profiles: one row per job whose good runs were sampled (runs learnt, when the profile
-- was last refreshed, from which run). A profile with no templates is a real answer: the job's
-- good runs print no error-looking line.
-- joblog_profile_templates: the line templates (as 64-bit hashes of the masked line) of the
-- error-looking lines those good runs printed, how often and when last seen; bounded per job,
-- the least recently seen evicted first.
CREATE TABLE joblog_profiles (
    job_key      text COLLATE "C" PRIMARY KEY,
    runs_learnt  integer     NOT NULL DEFAULT 0 CHECK (runs_learnt >= 0),
    updated_at   timestamptz NOT NULL,
    last_run_id  text
);

CREATE TABLE joblog_profile_templates (
    job_key        text COLLATE "C" NOT NULL REFERENCES joblog_profiles (job_key) ON DELETE CASCADE,
    template_hash  bigint      NOT NULL,
    seen_count     integer     NOT NULL CHECK (seen_count > 0),
    last_seen      timestamptz NOT NULL,
    PRIMARY KEY (job_key, template_hash)
);

-- Eviction reads a job's templates least recently seen first.
CREATE INDEX joblog_profile_templates_lru ON joblog_profile_templates (job_key, last_seen);

COMMENT ON TABLE joblog_profiles IS
    'Jobs whose successful runs'' joblogs were sampled for the good-run baseline.';
COMMENT ON TABLE joblog_profile_templates IS
    'Hashed line templates of error-looking lines printed by a job''s good runs (LRU-bounded per job).';
