"""Checks on the files a command reads, so that none hangs or exhausts memory on its input.

A FIFO blocks the open until some writer appears, and ``/dev/zero`` or ``/dev/urandom`` never
end: every file command refuses what is not a regular file before opening it. Commands that
load a whole file (the CSV commands) also refuse one larger than ``MAX_CSV_BYTES``; commands
that stream (``joblog analyze``, ``patterns mine``) accept any size.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# A CSV series is loaded whole (pandas): 512 MiB is ~15 million rows of timestamp,value,
# years of one-minute samples, and still leaves memory for the forecast.
MAX_CSV_BYTES = 512 * 1024 * 1024


class InputFileError(ValueError):
    """The path cannot be read as an input file; the message names it and says why."""


def check_regular_file(path: Path, max_bytes: int | None = None) -> None:
    """Raise ``InputFileError`` unless ``path`` is a regular file (symlinks followed).

    With ``max_bytes``, a larger file is refused too. Missing files and directories get
    their own message; whether the file is readable is left to the open that follows.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputFileError(f"{path}: {exc.strerror or type(exc).__name__}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(
            f"{path}: is a {_kind(info.st_mode)}, not a regular file "
            "(it could block or never end); save the data to a file first"
        )
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputFileError(
            f"{path}: {info.st_size / 1024**2:,.0f} MiB is more than the "
            f"{max_bytes / 1024**2:,.0f} MiB this command reads"
        )


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"
