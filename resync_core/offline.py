"""Defaults for sites without internet access, applied by the entry points that want them.

Prefect reports usage and litellm downloads a price map when they are imported; production TWS
sites run without internet access as often as not. ``setdefault`` keeps an operator's explicit
choice. Libraries importing this package are not affected until an entry point calls
:func:`apply_offline_defaults`.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

OFFLINE_DEFAULTS: dict[str, str] = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Prefect gives its temporary API server 20 s to start; a busy scheduler host (a batch
    # night on two cores) can need longer, and a command that gives up then loses its run.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def apply_offline_defaults(environ: MutableMapping[str, str] | None = None) -> None:
    """Set each of :data:`OFFLINE_DEFAULTS` in ``environ`` (the process environment by default)
    unless it is already set."""
    target = os.environ if environ is None else environ
    for name, value in OFFLINE_DEFAULTS.items():
        target.setdefault(name, value)
