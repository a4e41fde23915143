-- 0003_job_deadlines: the deadline each run had to meet, so lateness has a history.
--
-- TWS sets a deadline per job in the plan (timeRestrictions.deadlineTime). With it stored
-- beside start and end times, predictive maintenance learns how much slack each job usually
-- has and how likely tonight's run is to finish after its deadline. Null when the job has
-- no deadline. Adding a nullable column without a default rewrites nothing.
ALTER TABLE job_runs ADD COLUMN deadline_time timestamptz;

COMMENT ON COLUMN job_runs.deadline_time IS
    'The deadline of the job in its plan (TWS timeRestrictions.deadlineTime); null if none.';
