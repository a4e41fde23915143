"""Online log-template mining with a fixed-depth parse tree (Drain, He et al., ICWS 2017).

Each message is masked (numbers, ids, addresses... → ``<*>``), split into tokens, and routed
through a tree: first by token count, then by its first ``prefix_depth`` tokens. At the leaf,
it joins the template it shares the most token positions with, if that share reaches the
similarity threshold; positions where they differ become ``<*>``. Otherwise it founds a new
template. Each message costs one regex pass and a few comparisons, and memory grows with the
number of templates, not of messages. Long messages are bounded: at most
``MAX_MESSAGE_CHARS`` characters are read and at most ``MinerConfig.max_tokens`` tokens kept,
and every step (including ``compact``) is linear in a template's tokens.

Templates only ever generalise, so the template a message joined keeps matching it; a
template's ``pattern_id`` is fixed when it is founded and never changes, even as it
generalises or absorbs another (``compact``).

Pure logic: no I/O. Persistence lives in ``resync_analytics.patterns.persistence``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.ids import ID_ENDS as _ID_ENDS
from resync_analytics.patterns.ids import canonical_form, template_id
from resync_analytics.patterns.masking import KIND_NOUNS, WILDCARD, mask_variables

# Separators between tokens: spaces and the punctuation that glues keys to values
# ("size=12", "user:bob", "[main]"). They are kept for rendering the template readably,
# but only tokens are compared.
_SEPARATORS = re.compile(r"([\s=:,;()\[\]{}\"|]+)")
_DIGIT = re.compile(r"\d")
# Error and message codes: capitals, a dash and a number (ORA-00942, SP2-0751), or capitals,
# a number and a severity letter (SQL0964C, IEF125I).
_CODE = re.compile(r"[A-Z][A-Z0-9]*-\d+[A-Z]?|[A-Z]{2,}\d+[A-Z]")
# The name of an exception or error class, qualified or not (java.io.IOException,
# System.TimeoutException, KeyError, OSError).
_ERROR_TYPE = re.compile(r"(?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error)")
# Quotes the tokeniser leaves on a word (a double quote separates tokens).
_QUOTES = ("'", "`")
# Words two templates must share, beyond the one they differ in, to be merged as neighbours.
_MIN_SHARED_WORDS = 3
# A message is cut here before masking, as ``stream.read_messages`` cuts a file's line: the
# masks and the cache then never hold more than this per message, whatever a caller passes.
MAX_MESSAGE_CHARS = 64 * 1024
# The repeated-message cache is cleared when its keys hold more characters than this, so
# long messages cannot make it grow to cache_size times their length.
_CACHE_MAX_CHARS = 16 * 1024 * 1024
# Rolling hash of token sequences (neighbour merging): a Mersenne prime modulus, odd base.
_HASH_MODULUS = (1 << 61) - 1
_HASH_BASE = 1_000_003


@dataclass(frozen=True)
class Pattern:
    """A mined template: ``pattern_id`` is stable for the life of the miner state."""

    pattern_id: str
    template: str
    occurrences: int


@dataclass(frozen=True)
class TemplateState:
    """One template as saved: ``parts`` alternate token and separator (tokens first)."""

    key: int
    pattern_id: str
    parts: tuple[str, ...]
    route: tuple[str, ...]
    occurrences: int


@dataclass(frozen=True)
class MinerState:
    """Everything a miner has learnt; ``redirects`` maps absorbed keys to their survivors."""

    config: MinerConfig
    templates: tuple[TemplateState, ...]
    redirects: Mapping[int, int]
    next_key: int


class _Template:
    """Mutable state of one template inside the miner (never leaves this module)."""

    __slots__ = ("key", "occurrences", "parts", "pattern_id", "route", "tokens")

    def __init__(
        self,
        key: int,
        pattern_id: str,
        parts: list[str],
        route: tuple[str, ...],
        occurrences: int = 0,
    ) -> None:
        self.key = key
        self.pattern_id = pattern_id
        # parts alternates token, separator, token...; tokens are the even positions.
        self.parts = parts
        self.tokens = parts[0::2]
        self.route = route
        self.occurrences = occurrences

    def render(self) -> str:
        return "".join(self.parts).strip()

    def generalise(self, tokens: list[str]) -> None:
        for index, (mine, theirs) in enumerate(zip(self.tokens, tokens, strict=True)):
            if mine != theirs and mine != WILDCARD:
                general = _general(mine, theirs)
                if general != mine:
                    self.tokens[index] = general
                    self.parts[2 * index] = general


def _general(mine: str, theirs: str) -> str:
    """What a template's token becomes when a message holds another word there: ``<*>``, or
    ``'<*>'`` when both are quoted alike ('master', 'list_dev') so the quotes stay, as
    a quoted variable is written."""
    quote = mine[:1]
    if (
        quote in _QUOTES
        and len(mine) > 1
        and mine[-1] == quote
        and len(theirs) > 1
        and theirs[0] == quote
        and theirs[-1] == quote
    ):
        return quote + WILDCARD + quote
    return WILDCARD


def split_tokens(masked: str, max_tokens: int | None = None) -> list[str]:
    """Token/separator parts of a masked message: tokens at even positions.

    With ``max_tokens``, a message of more tokens keeps its first ``max_tokens - 1`` and one
    trailing ``<*>`` stands for the rest (the rest is never split).
    """
    text = masked.strip()
    if max_tokens is None:
        return _SEPARATORS.split(text)
    parts = _SEPARATORS.split(text, maxsplit=max_tokens - 1)
    # The last part is the unsplit rest: more than one token when it still has a separator.
    if len(parts) == 2 * max_tokens - 1 and _SEPARATORS.search(parts[-1]):
        parts[-1] = WILDCARD
    return parts


class PatternMiner:
    """Groups log messages into templates, one message at a time.

    ``add(message)`` learns from a message and returns the key of its template; ``pattern``
    turns a key into a ``Pattern`` (current template text, stable id). Keys are small ints
    valid for this miner state; after ``compact`` a key may be redirected to the template
    that absorbed it (``pattern`` follows the redirect).
    """

    def __init__(self, config: MinerConfig | None = None) -> None:
        self.config = config or MinerConfig()
        self._templates: dict[int, _Template] = {}
        self._redirects: dict[int, int] = {}
        self._tree: dict[int, dict] = {}
        self._cache: dict[str, int] = {}
        self._cache_chars = 0
        self._ids: set[str] = set()
        # Canonical form (ids.canonical_form) of each founded template -> its key.
        self._by_canonical: dict[str, int] = {}
        self._next_key = 1

    # ------------------------------------------------------------------ learning

    def add(self, message: str) -> int:
        """Learn from ``message`` (one log line, any text) and return its template's key.

        Only the first ``MAX_MESSAGE_CHARS`` characters and ``config.max_tokens`` tokens count.
        """
        masked = mask_variables(message[:MAX_MESSAGE_CHARS])
        cached = self._cache.get(masked)
        if cached is not None:
            hit = self._templates[self._resolve(cached)]
            hit.occurrences += 1
            return hit.key
        parts = split_tokens(masked, self.config.max_tokens)
        tokens = parts[0::2]
        route = self._route(tokens, create=True)
        assert route is not None
        leaf = self._leaf_at(len(tokens), route, create=True)
        assert leaf is not None
        template = self._best_match(leaf, tokens)
        if template is None:
            template = self._found(parts, route)
            leaf.append(template.key)
        else:
            template.generalise(tokens)
        if template.key in self._redirects:
            template = self._templates[self._resolve(template.key)]
        template.occurrences += 1
        self._remember(masked, template.key)
        return template.key

    def add_all(self, messages: Iterable[str]) -> Iterator[int]:
        """``add`` each message in turn, yielding template keys lazily (streams any size)."""
        add = self.add
        for message in messages:
            yield add(message)

    def match(self, message: str) -> Pattern | None:
        """The template ``message`` belongs to, without learning; None when none fits."""
        masked = mask_variables(message[:MAX_MESSAGE_CHARS])
        cached = self._cache.get(masked)
        if cached is not None:
            return self.pattern(cached)
        tokens = split_tokens(masked, self.config.max_tokens)[0::2]
        route = self._route(tokens, create=False)
        leaf = self._leaf_at(len(tokens), route, create=False) if route is not None else None
        if leaf is None:
            return None
        template = self._best_match(leaf, tokens)
        return self._pattern(template) if template is not None else None

    def compact(self) -> int:
        """Merge templates that became the same after generalisation; returns merges done.

        Two templates of one event can be founded apart (their first messages were too
        different, or sat in different branches) and generalise into the same text later,
        or differ only in how many variable values a list had. Their keys are redirected to
        the older template, which keeps its ``pattern_id``.
        """
        by_shape: dict[tuple[str, ...], _Template] = {}
        merged = 0
        for key in sorted(self._templates):
            if key in self._redirects:
                continue
            template = self._templates[key]
            shape = _shape(template.tokens)
            survivor = by_shape.get(shape)
            if survivor is None:
                by_shape[shape] = template
                continue
            self._absorb(survivor, template)
            merged += 1
        merged += self._merge_neighbours()
        if merged:
            self._clear_cache()
        return merged

    def _merge_neighbours(self) -> int:
        """Merge templates of one length that differ in one constant position only.

        The parse tree routes by leading words, so an event whose first words vary
        ("User bob logged in", "User ann logged in") is founded once per word; those
        templates agree everywhere else. Enough shared words (``_MIN_SHARED_WORDS`` and the
        similarity threshold) keep short, truly different messages apart
        ("Starting service" / "Stopping service").
        """
        # A probe is a template with one position made a wildcard. It is keyed by rolling
        # hashes of the tokens before and after that position, so a template of n tokens
        # costs O(n) (tuples of every probe would cost O(n^2)); members of a bucket are
        # confirmed against its first template's tokens (a hash collision is left out).
        buckets: dict[tuple[int, int, int, int], list[int]] = {}
        stored: dict[int, tuple[str, ...]] = {}
        for key in sorted(self._templates):
            if key in self._redirects:
                continue
            tokens = self._templates[key].tokens
            if sum(1 for token in tokens if token != WILDCARD) < 2:
                continue
            stored[key] = tuple(tokens)
            for probe in _neighbour_probes(tokens):
                buckets.setdefault(probe, []).append(key)
        merged = 0
        for (_, index, _, _), keys in buckets.items():
            if len(keys) > 1:
                merged += self._merge_variants(keys, index, stored)
        return merged

    def _merge_variants(
        self, keys: list[int], index: int, stored: dict[int, tuple[str, ...]]
    ) -> int:
        """Merge templates equal but at ``index`` when that position is a variable: one of
        them already holds ``<*>`` there, every word there has a digit and is no error code
        (JOB00345 and TSU50530: names the masks left whole, which vary as numbers do), or it
        takes ``min_variants`` different words (Brain's rule: a position whose value keeps
        changing while the rest stays is a variable; two or three words there are more
        often distinct events), or it follows a preposition and a noun naming a kind of
        thing (``for user cyrus``, ``in model orders``): a name, however few a log shows."""
        first = stored[keys[0]]
        members = [key for key in keys if _equal_except(stored[key], first, index)]
        values = {stored[key][index] for key in members}
        if len(members) < 2:
            return 0
        if all(_ERROR_TYPE.fullmatch(value) for value in values):
            # Error types (TimeoutException, TaskCanceledException) name different events,
            # however alike the rest of their messages.
            return 0
        if (
            len(values) < self.config.min_variants
            and not any(value == WILDCARD or value.endswith(_ID_ENDS) for value in values)
            and not _names_a_thing(self._templates[self._resolve(members[0])].parts, index)
        ):
            # Few variants: merged only when they share enough words around the one they
            # differ in, so short, truly different messages stay apart; those with a
            # numbered word there (not an error code) are merged in any case.
            shared = sum(1 for token in first if token != WILDCARD) - 1
            if shared < max(_MIN_SHARED_WORDS, self.config.similarity_threshold * len(first)):
                members = [key for key in members if _is_numbered(stored[key][index])]
                if len(members) < 2:
                    return 0
        survivor = self._templates[self._resolve(members[0])]
        merged = 0
        for key in members[1:]:
            template = self._templates[self._resolve(key)]
            if template is not survivor and len(template.tokens) == len(survivor.tokens):
                self._absorb(survivor, template)
                merged += 1
        return merged

    # ------------------------------------------------------------------ reading

    def pattern(self, key: int) -> Pattern:
        """The current template behind ``key`` (raises KeyError for a key never issued)."""
        return self._pattern(self._templates[self._resolve(key)])

    def patterns(self) -> list[Pattern]:
        """All templates, most frequent first."""
        found = [self._pattern(t) for k, t in self._templates.items() if k not in self._redirects]
        return sorted(found, key=lambda p: (-p.occurrences, p.pattern_id))

    def __len__(self) -> int:
        return len(self._templates) - len(self._redirects)

    # ------------------------------------------------------------------ internals

    def _resolve(self, key: int) -> int:
        redirects = self._redirects
        while key in redirects:
            key = redirects[key]
        return key

    @staticmethod
    def _pattern(template: _Template) -> Pattern:
        return Pattern(template.pattern_id, template.render(), template.occurrences)

    def _route_token(self, node: dict, token: str, create: bool) -> str:
        if WILDCARD in token or _DIGIT.search(token):
            return WILDCARD
        if token in node:
            return token
        if not create or len(node) >= self.config.max_children:
            return WILDCARD
        # Keep one slot free for the wildcard branch.
        if len(node) + 1 >= self.config.max_children and WILDCARD not in node:
            return WILDCARD
        return token

    def _route(self, tokens: list[str], create: bool) -> tuple[str, ...] | None:
        node = self._tree.get(len(tokens))
        if node is None:
            if not create:
                return None
            node = self._tree[len(tokens)] = {}
        route: list[str] = []
        for token in tokens[: self.config.prefix_depth]:
            # The route ends at the first variable-looking token: the words after a variable
            # are as likely to vary with it (a host name after its address), and routing on
            # them would split one event into a branch per value.
            if WILDCARD in token or _DIGIT.search(token):
                break
            step = self._route_token(node, token, create)
            child = node.get(step)
            if child is None:
                if not create:
                    return None
                child = node[step] = {}
            route.append(step)
            node = child
        return tuple(route)

    def _leaf_at(self, length: int, route: tuple[str, ...], create: bool) -> list[int] | None:
        node = self._tree.setdefault(length, {}) if create else self._tree.get(length)
        if node is None:
            return None
        for step in route:
            node = node.setdefault(step, {}) if create else node.get(step)
            if node is None:
                return None
        # Leaves hold their templates under a key no token can take (tokens are strings).
        leaf = node.get(None)
        if leaf is None and create:
            leaf = node[None] = []
        return leaf

    def _best_match(self, leaf: list[int], tokens: list[str]) -> _Template | None:
        # Every template of a leaf has the message's length, so counts compare directly.
        best: _Template | None = None
        best_score = (-1, -1)
        for key in leaf:
            template = self._templates[key]
            same = wild = 0
            for mine, theirs in zip(template.tokens, tokens):  # noqa: B905 (same length)
                if mine != theirs and _ERROR_TYPE.fullmatch(mine) and _ERROR_TYPE.fullmatch(theirs):
                    # Two error types (TimeoutException, TaskCanceledException) are two
                    # events, however alike their messages: the type is the event's name.
                    same = -1
                    break
                if mine == theirs:
                    if mine == WILDCARD:
                        wild += 1
                    else:
                        same += 1
                elif (
                    mine == WILDCARD
                    or mine.endswith(_ID_ENDS)
                    or theirs.endswith(_ID_ENDS)
                    or (mine[1:-1] == WILDCARD and _general(mine, theirs) == mine)
                ):
                    # A masked identifier (blk_<*>, PAYROLL_<*>, hdfs://<*>) is a variable
                    # whatever the other side holds there; a word with a number glued on
                    # (eth<*>, space.....<*>) still names a kind of thing, and stays compared.
                    wild += 1
            if (same, wild) > best_score:
                best, best_score = template, (same, wild)
        if best is None:
            return None
        same, wild = best_score
        # A message matching every position (wildcards included) always belongs.
        if same >= self.config.similarity_threshold * len(tokens) or same + wild == len(tokens):
            return best
        return None

    def _found(self, parts: list[str], route: tuple[str, ...]) -> _Template:
        key = self._next_key
        self._next_key += 1
        canonical = canonical_form("".join(parts))
        known = self._by_canonical.get(canonical)
        if known is not None:
            # The same cause written another way (a list of other length, a variable masked
            # by another version of the masks): it sits in the tree for messages of its shape
            # but counts for, and is named by, the template first founded with that form.
            survivor = self._templates[self._resolve(known)]
            template = _Template(key, survivor.pattern_id, list(parts), route)
            self._templates[key] = template
            self._absorb(survivor, template)
            return template
        template = _Template(key, self._new_pattern_id(canonical), list(parts), route)
        self._templates[key] = template
        self._by_canonical[canonical] = key
        return template

    def _new_pattern_id(self, canonical: str) -> str:
        # Derived from the founding canonical form (see ids.template_id), so the same
        # messages give the same ids in every process and version whose masks agree on
        # which words are constant; a hash collision is extended with a counter.
        digest = template_id(canonical)
        candidate, extra = digest, 1
        while candidate in self._ids:
            candidate = f"{digest}-{extra}"
            extra += 1
        self._ids.add(candidate)
        return candidate

    def _remember(self, masked: str, key: int) -> None:
        if self.config.cache_size == 0:
            return
        if len(self._cache) >= self.config.cache_size or self._cache_chars >= _CACHE_MAX_CHARS:
            # Cheap bound: start over rather than track recency per hit.
            self._clear_cache()
        self._cache[masked] = key
        self._cache_chars += len(masked)

    def _clear_cache(self) -> None:
        self._cache.clear()
        self._cache_chars = 0

    def _absorb(self, survivor: _Template, absorbed: _Template) -> None:
        # The absorbed template stays in the tree, so messages of its length keep finding it;
        # what they count goes to the survivor.
        survivor.occurrences += absorbed.occurrences
        absorbed.occurrences = 0
        self._redirects[absorbed.key] = survivor.key
        if len(survivor.tokens) == len(absorbed.tokens):
            survivor.generalise(absorbed.tokens)

    # ------------------------------------------------------------------ state

    def state(self) -> MinerState:
        """A snapshot of everything learnt, for ``PatternMiner.from_state`` (persistence)."""
        templates = tuple(
            TemplateState(
                key=t.key,
                pattern_id=t.pattern_id,
                parts=tuple(t.parts),
                route=t.route,
                occurrences=t.occurrences,
            )
            for t in sorted(self._templates.values(), key=lambda t: t.key)
        )
        return MinerState(self.config, templates, dict(self._redirects), self._next_key)

    @classmethod
    def from_state(cls, state: MinerState) -> PatternMiner:
        """A miner that continues where the one that produced ``state`` stopped."""
        miner = cls(state.config)
        for saved in sorted(state.templates, key=lambda t: t.key):
            template = _Template(
                saved.key, saved.pattern_id, list(saved.parts), saved.route, saved.occurrences
            )
            miner._templates[template.key] = template
            miner._ids.add(template.pattern_id)
            if saved.key not in state.redirects:
                miner._by_canonical.setdefault(canonical_form(template.render()), template.key)
            leaf = miner._leaf_at(len(template.tokens), template.route, create=True)
            assert leaf is not None
            leaf.append(template.key)
        miner._redirects.update(state.redirects)
        miner._next_key = max([state.next_key, *(k + 1 for k in miner._templates)])
        return miner

    @classmethod
    def rebuilt(cls, state: MinerState, config: MinerConfig) -> PatternMiner:
        """A miner with ``config`` that knows every template of ``state``, for a state saved
        with other settings.

        Every template keeps its key, id, occurrences and redirect; it is cut to
        ``config.max_tokens`` and routed anew through a tree of ``config.prefix_depth`` and
        ``config.max_children``, so it sits where the new settings look for its messages.
        Templates the new settings would group as one are merged by the next ``compact``
        (the older keeps its id), so the caller sees those merges as it sees any other.
        """
        miner = cls(config)
        for saved in sorted(state.templates, key=lambda t: t.key):
            parts = list(saved.parts)
            if len(parts) > 2 * config.max_tokens - 1:
                # As split_tokens cuts a long message: the rest folds into one trailing <*>.
                parts = [*parts[: 2 * config.max_tokens - 2], WILDCARD]
            template = _Template(saved.key, saved.pattern_id, parts, (), saved.occurrences)
            route = miner._route(template.tokens, create=True)
            assert route is not None
            template.route = route
            miner._templates[template.key] = template
            miner._ids.add(template.pattern_id)
            if saved.key not in state.redirects:
                miner._by_canonical.setdefault(canonical_form(template.render()), template.key)
            leaf = miner._leaf_at(len(template.tokens), route, create=True)
            assert leaf is not None
            leaf.append(template.key)
        miner._redirects.update(state.redirects)
        miner._next_key = max([state.next_key, *(k + 1 for k in miner._templates)])
        return miner


def _neighbour_probes(tokens: list[str]) -> list[tuple[int, int, int, int]]:
    """For each position i: (length, i, hash of tokens[:i], hash of tokens[i+1:]), in O(n)."""
    length = len(tokens)
    codes = [hash(token) & _HASH_MODULUS for token in tokens]
    prefix = [0] * (length + 1)
    for index, code in enumerate(codes):
        prefix[index + 1] = (prefix[index] * _HASH_BASE + code) % _HASH_MODULUS
    suffix = [0] * (length + 1)
    for index in range(length - 1, -1, -1):
        suffix[index] = (suffix[index + 1] * _HASH_BASE + codes[index]) % _HASH_MODULUS
    return [(length, index, prefix[index], suffix[index + 1]) for index in range(length)]


# "for user cyrus", "in model orders", "on host web7": a noun naming a kind of thing after a
# preposition is followed by the name of one, a variable however few names a log shows. As
# a sentence's subject ("job STARTED", "node down") the noun is followed by what happened.
_PREPOSITIONS = frozenset({"for", "in", "of", "on", "to", "from", "by", "at", "with", "into"})


def _names_a_thing(parts: Sequence[str], index: int) -> bool:
    """Whether the token at ``index`` follows a preposition and a noun of ``KIND_NOUNS``,
    spaced as prose. Not after ``key=`` (``user=root`` and ``user=guest`` are as often told
    apart as states are)."""
    if index < 2 or 2 * index >= len(parts):
        return False
    return (
        parts[2 * index - 2].lower() in KIND_NOUNS
        and parts[2 * index - 4].lower() in _PREPOSITIONS
        and parts[2 * index - 1].isspace()
        and parts[2 * index - 3].isspace()
    )


def _is_numbered(word: str) -> bool:
    """A word with a digit that is not an error or message code (``ORA-00942``, ``SQL0964C``,
    ``IEF125I``): such codes name different events, job and unit ids (``JOB00345``) do not."""
    return bool(_DIGIT.search(word)) and not _CODE.fullmatch(word)


def _equal_except(stored: Sequence[str], tokens: Sequence[str], index: int) -> bool:
    """Whether the two token sequences are equal everywhere but at ``index``."""
    if len(stored) != len(tokens):
        return False
    return all(
        a == b
        for position, (a, b) in enumerate(zip(stored, tokens, strict=True))
        if position != index
    )


def _shape(tokens: list[str]) -> tuple[str, ...]:
    """Tokens with runs of wildcards collapsed: templates with the same shape are one event."""
    shape: list[str] = []
    for token in tokens:
        if token == WILDCARD and shape and shape[-1] == WILDCARD:
            continue
        if token == "":
            continue
        shape.append(token)
    return tuple(shape)
