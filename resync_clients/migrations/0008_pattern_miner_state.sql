-- 0008_pattern_miner_state: the pattern miner keeps its state in a table of its own.
--
-- poller_state is the poller's cursor table (fenced by epoch, locked by the poller); the
-- miner's templates shared it under the name 'pattern-miner'. They move here, one row per
-- miner, and the existing state is copied over so an upgrade does not forget what was mined.
CREATE TABLE pattern_miner_state (
    name        text COLLATE "C" PRIMARY KEY,
    state       jsonb,                          -- resync_analytics.patterns.persistence format
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER pattern_miner_state_set_updated_at BEFORE UPDATE ON pattern_miner_state
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE pattern_miner_state IS
    'Saved pattern-miner state; written in the transaction that records the patterns it mined.';

INSERT INTO pattern_miner_state (name, state, updated_at)
SELECT name, cursor -> 'miner', updated_at FROM poller_state WHERE name = 'pattern-miner';

DELETE FROM poller_state WHERE name = 'pattern-miner';
