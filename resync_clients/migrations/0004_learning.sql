-- 0004_learning: what the learning flow fits from operators' verdicts, and the confidence each
-- incident claimed before it was calibrated.
--
-- The learning flow rewrites `calibration` from the feedback it reads (an unchanged fit leaves
-- the rows untouched, fitted_at included). The incident flow calibrates an incident's
-- confidence once, recording the analyser's own claim in `incident_calibrations`: later fits
-- learn from that claim, never from an already calibrated value.

-- One row per category with verdicts, plus '*' for the fit shared by all categories (used for
-- categories without verdicts of their own). No row at all: confidences are used as claimed.
CREATE TABLE calibration (
    category           text COLLATE "C" PRIMARY KEY,
    verdicts           integer NOT NULL CHECK (verdicts > 0),
    -- calibrated = 1 / (1 + exp(-(ln(claimed / (1 - claimed)) + shift)))
    shift              double precision NOT NULL,
    observed_accuracy  double precision NOT NULL CHECK (observed_accuracy BETWEEN 0 AND 1),
    mean_claimed       double precision NOT NULL CHECK (mean_claimed BETWEEN 0 AND 1),
    -- In-sample scores of the claimed and the calibrated confidences on the same verdicts.
    brier_before       double precision NOT NULL CHECK (brier_before >= 0),
    brier_after        double precision NOT NULL CHECK (brier_after >= 0),
    ece_before         double precision NOT NULL CHECK (ece_before >= 0),
    ece_after          double precision NOT NULL CHECK (ece_after >= 0),
    fitted_at          timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE calibration IS
    'Per-category log-odds shift of claimed confidence, fitted from operators'' verdicts.';

-- How an incident's confidence was calibrated (once, by the run that analysed it).
CREATE TABLE incident_calibrations (
    incident_id            bigint PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    claimed_confidence     double precision NOT NULL CHECK (claimed_confidence BETWEEN 0 AND 1),
    calibrated_confidence  double precision NOT NULL
                           CHECK (calibrated_confidence BETWEEN 0 AND 1),
    verdicts               integer NOT NULL CHECK (verdicts >= 0),  -- behind the fit used
    calibrated_at          timestamptz NOT NULL DEFAULT now()
);

-- Recommendations that put resolutions operators recorded before the analyser's steps.
ALTER TABLE recommendations DROP CONSTRAINT recommendations_source_check;
ALTER TABLE recommendations ADD CONSTRAINT recommendations_source_check
    CHECK (source IN ('deterministic', 'llm', 'learned'));
