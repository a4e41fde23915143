"""Settings of the pattern miner, kept apart from the algorithm so they can be saved and shown."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class MinerConfig:
    """How eagerly the miner generalises messages into templates.

    One generic configuration serves every log source; the defaults are the combination
    with the best mean GA over the eight Loghub 2k systems, and leaving each system out in
    turn picks the same values for seven of them (bench/patterns.py prints that table). They
    are not meant to be tuned per system. Leave-one-system-out over Loghub alone would
    prefer similarity 0.9, depth 2, 10 children and 32 tokens, but on the outside development
    families (``tests/data/templates``) that choice loses dbt ((GA+PA)/2 -0.090), z/OS
    (-0.087), Spark transcripts and BGL, and similarity 0.9 alone loses dbt and z/OS as much:
    by the rule that a change must lose on no development source, the defaults stay.

    ``similarity_threshold``: share (0–1] of token positions a message must have in common
    with a template to join it; lower merges more. A position where either side holds a
    masked identifier (``blk_<*>``, ``/<*>``) counts as a variable, never as a difference.
    ``prefix_depth``: how many leading tokens route a message through the parse tree before
    similarity is computed (more is faster, but a variable word early in the message then
    splits its event). ``max_children``: branch limit per tree node; tokens beyond it share
    the wildcard branch, which bounds the tree on messages whose leading words are variable.
    ``cache_size``: masked messages remembered with their template, the fast path for
    repeated messages (0 turns it off).

    ``min_variants``: Brain's frequency rule, applied when compacting: templates equal
    everywhere but one position merge into one (that position a variable) once that
    position takes ``min_variants`` different words; fewer variants merge only when enough
    other words are shared, or when each of them has a digit (job ids the masks left whole).
    Two or three words at a position are more often distinct events (``SCREEN_ON``/
    ``SCREEN_OFF``); a dozen user or job names are one event.

    ``max_tokens``: the most tokens a template keeps. A longer message keeps its first
    ``max_tokens - 1`` tokens and folds the rest into one trailing ``<*>``, so one huge line
    costs memory and time in proportion to the cap, not to its length. 256 is more than three
    times the longest Loghub 2k message (75 tokens after masking; 99% have at most 25) and
    holds a long SQL statement or Java exception message; the words that name an event come
    first, so what is folded away is its variable tail.

    ``masks_version``: the version of the variable masks (``masking.py``) the templates were
    mined with. It is raised whenever a change of the masks makes a word a variable or a
    constant (2: source-file locations, message ids, relative paths, dashed and quoted names,
    capitalised dates; 3: durations of several units; 4: a path is ``<*>`` without its
    slash; quoted words with a digit or given to a key, key=value values with a digit,
    user@host, relative folders, ages (``16h``) and signed hex offsets are one value; words
    of capitals keep their digits; 5: a version glued to its "v" is ``v<*>``, a path of one
    component with a file extension and a dotted name of three qualifiers in capitals are
    values, and the miner makes the word after ``for user`` a variable however few such
    words it saw; 6: JES job ids (``JOB00345``, ``J0012345``), the names a z/OS message
    gives before `` - `` or after a JES2 ``$HASP`` id, the user id after ``USERID``, abend
    codes (``S806``, ``U0040``) and an ASA carriage control ``-`` before a printed value
    are values; 7: a quoted word after a noun naming a kind of thing or after ``named``
    and a thread's quoted name are values, while a function or class name ending in digits,
    a generic's arity and a quoted error type stay), so a state saved under other masks
    counts as saved with other settings and is rebuilt from its templates, ids kept
    (``persistence.restore_miner``).
    Not a setting to tune: a state must say which masks wrote its templates.
    """

    similarity_threshold: float = 0.8
    prefix_depth: int = 3
    max_children: int = 100
    cache_size: int = 100_000
    max_tokens: int = 256
    min_variants: int = 10
    masks_version: int = 7

    def __post_init__(self) -> None:
        if not 0.0 < self.similarity_threshold <= 1.0:
            raise ValueError("similarity_threshold must be in (0, 1]")
        if self.prefix_depth < 0:
            raise ValueError("prefix_depth must be >= 0")
        if self.max_children < 1:
            raise ValueError("max_children must be >= 1")
        if self.cache_size < 0:
            raise ValueError("cache_size must be >= 0")
        if self.min_variants < 2:
            raise ValueError("min_variants must be >= 2")
        if self.max_tokens < 2:
            raise ValueError("max_tokens must be >= 2")
        if self.masks_version < 1:
            raise ValueError("masks_version must be >= 1")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MinerConfig:
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in known})
