"""The joblog analyser's knowledge base as data: message families, errno texts, exit-code
conventions and fix steps in ``families.toml``, with a site's own file merged over it.

:func:`knowledge` loads and compiles it once per process; the rules, the prefilter, the exit
code meanings and the fix steps all read it from there.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from resync_analytics.joblog.knowledge.loader import SHIPPED, KnowledgeError, load_knowledge
from resync_analytics.joblog.knowledge.model import (
    ExitCodeMeaning,
    Family,
    KnowledgeBase,
    StepTemplate,
)

EXTENSION_VARIABLE = "RESYNC_JOBLOG_KNOWLEDGE_FILE"


def extension_file() -> Path | None:
    """The site's knowledge file from the settings (``RESYNC_JOBLOG_KNOWLEDGE_FILE``), if any."""
    unset = (
        "resync_core.settings" not in sys.modules
        and not any(name.upper() == EXTENSION_VARIABLE for name in os.environ)
        and not Path(".env").is_file()
    )
    if unset:
        # Neither source of the setting (the environment, a .env file) can hold it: skip
        # loading the settings, whose pydantic import costs a process that only analyses
        # joblogs ~17 MB.
        return None
    from resync_core.settings import get_settings

    return get_settings().joblog_knowledge_file


@lru_cache(maxsize=1)
def knowledge() -> KnowledgeBase:
    """The knowledge base of this process: shipped families plus the site's file, compiled.

    Raises :class:`KnowledgeError` naming the file, entry and field of a mistake.
    Tests that change the extension file call ``knowledge.cache_clear()``.
    """
    return load_knowledge(extension_file())


__all__ = [
    "EXTENSION_VARIABLE",
    "SHIPPED",
    "ExitCodeMeaning",
    "Family",
    "KnowledgeBase",
    "KnowledgeError",
    "StepTemplate",
    "extension_file",
    "knowledge",
    "load_knowledge",
]
