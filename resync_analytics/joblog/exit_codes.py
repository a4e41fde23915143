"""What a process exit code says on its own (bash conventions, ``timeout(1)``, signals)."""

from __future__ import annotations

import signal
from dataclasses import dataclass

from resync_analytics.joblog.models import Category


@dataclass(frozen=True)
class ExitCodeMeaning:
    category: Category
    label: str


_SIGNAL_CATEGORY: dict[int, Category] = {
    9: "out_of_memory",  # SIGKILL: most often the kernel's out-of-memory killer
    15: "signal_or_crash",
}


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
    if code == 0:
        return ExitCodeMeaning("success", "Job ended successfully")
    if code == 124:
        return ExitCodeMeaning("timeout", "Timed out: timeout(1) expired")
    if code == 126:
        return ExitCodeMeaning("permission_denied", "Command found but not executable")
    if code == 127:
        return ExitCodeMeaning("command_not_found", "Command not found")
    if 128 < code < 160:
        number = code - 128
        category = _SIGNAL_CATEGORY.get(number, "signal_or_crash")
        return ExitCodeMeaning(category, f"Killed by {_signal_name(number)}")
    return None


def is_special_exit_code(code: int | None) -> bool:
    """True when ``code`` carries a convention beyond "failed" (124, 126, 127, 128+N)."""
    return code is not None and code != 0 and explain_exit_code(code) is not None
