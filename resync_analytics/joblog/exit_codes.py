"""What a process exit code says on its own (bash conventions, ``timeout(1)``, signals).

The conventions are data (``[exit_codes]`` and ``[exit_signals]`` in the knowledge base); this
module applies them: fixed codes first, then 128+N as "killed by signal N".
"""

from __future__ import annotations

import signal

from resync_analytics.joblog.knowledge import ExitCodeMeaning, knowledge

__all__ = ["ExitCodeMeaning", "explain_exit_code", "is_special_exit_code"]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def explain_exit_code(code: int | None) -> ExitCodeMeaning | None:
    """The category an exit code implies by convention, or ``None`` when it implies none.

    0 → success; 124 → ``timeout`` expired; 126 → found but not executable; 127 → command not
    found; 128+N → killed by signal N (137 KILL, 139 SEGV, 143 TERM...). Other codes are the
    program's own and say nothing general.
    """
    if code is None:
        return None
    kb = knowledge()
    fixed = kb.exit_codes.get(code)
    if fixed is not None:
        return fixed
    if 128 < code < 160:
        number = code - 128
        category = kb.signal_categories.get(number, kb.signal_default)
        return ExitCodeMeaning(category, kb.signal_label.format(signal=_signal_name(number)))
    return None


def is_special_exit_code(code: int | None) -> bool:
    """True when ``code`` carries a convention beyond "failed" (124, 126, 127, 128+N)."""
    return code is not None and code != 0 and explain_exit_code(code) is not None
