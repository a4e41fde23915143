"""resync-flows: decisions from TWS job states, joblogs and host metrics."""

import os

# Both libraries phone home at import time otherwise; production sites run without internet
# access as often as not. setdefault keeps an operator's explicit choice.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

__version__ = "0.1.0"
