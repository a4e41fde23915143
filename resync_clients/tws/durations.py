"""ISO-8601 durations as TWS (a Java server) writes them.

TWS renders ``java.time.Duration`` with ``toString()``, which puts the sign on each component
(``PT-0.5S``, ``PT-1H-30M``), and some fields come from other Java types that put it in front
(``-PT5M``, ``-P1DT2H``); ``Duration.parse`` also accepts mixed signs (``P1DT-1H`` is 23 hours).
msgspec's own parser rejects the per-component forms, so this module reads them all.
"""

from __future__ import annotations

import re
from datetime import timedelta

_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"(?P<sign>[-+])?P(?!$)"
    rf"(?:(?P<weeks>{_NUMBER})W)?"
    rf"(?:(?P<days>{_NUMBER})D)?"
    rf"(?:T(?!$)(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?(?:(?P<seconds>{_NUMBER})S)?)?",
    re.IGNORECASE,
)


def parse_duration(text: str) -> timedelta | None:
    """``text`` as a ``timedelta``, or None when it is not a duration TWS could mean.

    Accepts weeks, days, hours, minutes and seconds, each with its own sign and an optional
    fraction (``.`` or ``,``), plus a sign in front of the whole. Years and months have no
    fixed length, so ``P1Y`` or ``P2M`` give None, as do garbage and out-of-range values.
    """
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    parts = {
        unit: float(value.replace(",", "."))
        for unit, value in match.groupdict().items()
        if unit != "sign" and value is not None
    }
    if not parts:  # "P" or "PT" alone
        return None
    try:
        value = timedelta(**parts)
    except OverflowError:
        return None
    return -value if match.group("sign") == "-" else value
