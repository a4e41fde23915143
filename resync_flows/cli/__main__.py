"""``python -m resync_flows.cli``: the same as the ``resync-flows`` script."""

from resync_flows.cli import main

main()
