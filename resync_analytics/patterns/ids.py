"""Stable ids for error patterns.

``pattern_id``: the id of a joblog error template. The poller stores it with each failed
run's joblog and the incident analysis stores it with each incident; both must compute it
the same way, or an incident loses its history.

``template_id``: the id the pattern miner gives a template it founds, derived from the
template's canonical form (``canonical_form``): its tokens, with every token that is a
masked value written ``<*>`` and a run of those one ``<*>``, separators dropped. A masked
value is a token that starts with ``<*>`` (``<*>``, ``<*>ms``) or is a masked identifier
(``blk_<*>``, ``/<*>``, ``hdfs://<*>``); a word with digits masked at its end (``eth<*>``)
names a kind of thing and stays as written. The form
depends only on which words of a message are constant, not on how its variables are written,
so a change of the masks that writes a variable differently (``blk_<*>`` for ``<*>``,
``<*>ms`` for ``<*>``, one ``<*>`` for ``<*>:<*>``, a list of other length) keeps every id.
A change that turns a constant word into a variable (or back) founds a new template and id:
that is a different template. The miner keeps the ids it has saved (persistence), so a
template keeps its id across nights whatever later masks make of its messages.
"""

from __future__ import annotations

import hashlib
import re

from resync_analytics.patterns.masking import WILDCARD

# How masked identifiers end: the masks keep their prefix (blk_<*>, /<*>, hdfs://<*>).
ID_ENDS = ("_" + WILDCARD, "/" + WILDCARD)
_SEPARATORS = re.compile(r"(?:[\s=,;()\[\]{}\"|]|:(?!//))+")


def pattern_id(pattern: str) -> str:
    """A short stable id for an error pattern (the same template, the same id): the first 16
    hex digits of the template's SHA-1. Changing the rule orphans every stored id."""
    return hashlib.sha1(pattern.encode("utf-8")).hexdigest()[:16]


def canonical_form(masked: str) -> str:
    """``"Took <*>ms on /<*> (<*>:<*>)"`` -> ``"Took <*> on <*>"``.

    ``masked`` is a masked message or a template; it is cut at the miner's separators
    (spaces, ``=:,;()[]{}"|``, but not the ``:`` of ``://``) and separators are dropped, so
    the form does not depend on how a message was cut into tokens either.
    """
    words: list[str] = []
    for word in _SEPARATORS.split(masked):
        if not word:
            continue
        if _is_variable(word):
            if words and words[-1] == WILDCARD:
                continue
            word = WILDCARD
        words.append(word)
    return " ".join(words)


def template_id(canonical: str) -> str:
    """The miner's id for a template of this canonical form: the first 16 hex digits of
    its BLAKE2b (8-byte digest). Changing the rule renames every template mined after."""
    return hashlib.blake2b(canonical.encode("utf-8", "replace"), digest_size=8).hexdigest()


def _is_variable(word: str) -> bool:
    return word.startswith(WILDCARD) or word.endswith(ID_ENDS) or "://" in word
