-- 0009_plan_dependencies: the plan's dependency graph, one set of edges per plan day.
--
-- TWS knows which job waits for which (internal and external predecessors, whole job
-- streams, resources, files); the poller stores those edges for each plan day so that
-- predictive maintenance can propagate runtimes along them. Job ends are job keys
-- (WORKSTATION#STREAM.JOB) as in job_runs; a job-stream predecessor is WORKSTATION#STREAM,
-- a resource or file WORKSTATION#NAME. Rewriting a plan day's edges is an idempotent upsert.
CREATE TABLE plan_dependencies (
    plan_day         date NOT NULL,
    predecessor_key  text COLLATE "C" NOT NULL,
    successor_key    text COLLATE "C" NOT NULL,
    kind             text COLLATE "C" NOT NULL
                     CHECK (kind IN ('job', 'job_stream', 'resource', 'file')),
    internal         boolean NOT NULL DEFAULT false,   -- both ends in one job stream instance
    status           text COLLATE "C" NOT NULL DEFAULT 'unknown'
                     CHECK (status IN ('satisfied', 'unsatisfied', 'released', 'unknown')),
    seen_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_day, predecessor_key, successor_key, kind)
);

COMMENT ON TABLE plan_dependencies IS
    'Edges of the plan''s dependency graph per plan day (TWS job dependencies), upserted by the poller.';
COMMENT ON COLUMN plan_dependencies.status IS
    'TWS''s view of the dependency when last seen: satisfied, unsatisfied, released or unknown.';

-- The poller asks which jobs of a plan day already have their edges (successor side).
CREATE INDEX plan_dependencies_successor_idx ON plan_dependencies (plan_day, successor_key);
