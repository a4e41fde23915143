-- 0005_learned_resolutions: which recorded resolutions a learned recommendation put first.
--
-- An operator who follows the learned first step and then says "fixed" (or "not_helpful")
-- without writing a resolution of their own is judging those resolutions; keeping their
-- (masked) texts with the recommendation lets that verdict count for or against them.
ALTER TABLE recommendations ADD COLUMN learned_from jsonb;

COMMENT ON COLUMN recommendations.learned_from IS
    'source = learned: the masked resolution texts promoted to its first steps.';
