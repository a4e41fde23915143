"""resync-flows: decisions from TWS job states, joblogs and host metrics.

The top layer: the ``resync-flows`` command line and the demo. Settings and domain types live
in :mod:`resync_core`, the logic in :mod:`resync_analytics`, the adapters in
:mod:`resync_clients`.
"""

__version__ = "0.1.0"
