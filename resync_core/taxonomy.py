"""The root-cause categories of a failed job: one taxonomy for the analyser, the store, the
simulator and the command line's JSON contract."""

from __future__ import annotations

from typing import Literal

Category = Literal[
    "file_not_found",
    "permission_denied",
    "disk_full",
    "out_of_memory",
    "timeout",
    "network",
    "authentication",
    "database",
    "command_not_found",
    "invalid_input",
    "resource_busy",
    "signal_or_crash",
    "application_error",
    "success",
    "unknown",
]

CATEGORIES: tuple[Category, ...] = Category.__args__  # type: ignore[attr-defined]
