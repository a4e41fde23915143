-- 0006_calibration_per_analyser: the deterministic analyser and an LLM review are calibrated
-- apart. Operators' verdicts on each judge its own claims; an incident records which analyser
-- made the diagnosis it calibrated, so later fits learn from the right one.
ALTER TABLE calibration
    ADD COLUMN analyser text NOT NULL DEFAULT 'deterministic'
        CHECK (analyser IN ('deterministic', 'llm'));
ALTER TABLE calibration DROP CONSTRAINT calibration_pkey;
ALTER TABLE calibration ADD PRIMARY KEY (analyser, category);

ALTER TABLE incident_calibrations
    ADD COLUMN analyser text NOT NULL DEFAULT 'deterministic'
        CHECK (analyser IN ('deterministic', 'llm'));

COMMENT ON COLUMN calibration.analyser IS
    'Whose claims this fit calibrates: the deterministic analyser or the LLM review.';
