"""Log-template mining: group messages into templates with ``<*>`` for their variable parts.

``miner`` is the algorithm (pure, no I/O), ``config`` its settings, ``masking`` the generic
variable masks, ``persistence`` saving and restoring a miner, ``stream`` mining files of any
size, ``evaluation`` the Grouping Accuracy metric, ``surge`` which templates fail far more
runs tonight than usual, ``report`` the nightly report of new templates and surges.
"""

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.miner import Pattern, PatternMiner

__all__ = ["MinerConfig", "Pattern", "PatternMiner"]
