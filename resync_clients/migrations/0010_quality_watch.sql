-- 0010_quality_watch: what the nightly quality watch measured about resync-flows' own answers.
--
-- One row per period (a night tested against the weeks before it, or a week), measure and
-- scope ('*' for everything, else a category, a series, or 'category|learned' for time to
-- resolution). A re-run of the watch for the same night replaces its rows.
CREATE TABLE quality_figures (
    period        text COLLATE "C" NOT NULL CHECK (period IN ('night', 'week')),
    period_start  date NOT NULL,
    measure       text COLLATE "C" NOT NULL,     -- e.g. unknown_family, risk_brier, hours_to_rerun
    scope         text COLLATE "C" NOT NULL,
    value         double precision,              -- null: nothing to measure in that period
    count         integer NOT NULL CHECK (count >= 0),
    usual_low     double precision,              -- the range of the baseline nights' values
    usual_high    double precision,
    p_value       double precision CHECK (p_value BETWEEN 0 AND 1),  -- null: not tested
    degraded      boolean NOT NULL DEFAULT false,
    drivers       jsonb NOT NULL DEFAULT '[]',   -- jobs, workstations or categories behind it
    details       jsonb NOT NULL DEFAULT '{}',
    computed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period, period_start, measure, scope)
);

COMMENT ON TABLE quality_figures IS
    'Nightly and weekly figures of the quality watch: data, prediction and target drift.';

-- The watch reads its own past nights (the usual range of a measure) and the degraded ones.
CREATE INDEX quality_figures_measure_idx ON quality_figures (measure, period, period_start DESC);
