-- 0011_plan_risk: risk scores carry what the plan's dependency graph says about a deadline job.
--
-- critical_path: the job keys that most often set the job's start tonight, first to last,
-- the job itself last (empty when no graph was stored or the job has no deadline);
-- latest_safe_end: the instant the job must end by for its own and every downstream deadline
-- to hold with p90 runtimes (NULL without a deadline or a graph).
ALTER TABLE risk_scores
    ADD COLUMN critical_path   text[] COLLATE "C" NOT NULL DEFAULT '{}',
    ADD COLUMN latest_safe_end timestamptz;

COMMENT ON COLUMN risk_scores.critical_path IS
    'Job keys of the critical path along the plan''s dependency graph, first to last (the job last).';
COMMENT ON COLUMN risk_scores.latest_safe_end IS
    'Latest end for every deadline downstream to hold with p90 runtimes (NULL: no deadline or graph).';
