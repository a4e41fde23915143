"""Shared fixtures live in tests/fixtures/ (one module per real component) and load here."""

from resync_core.offline import apply_offline_defaults

# The test process imports Prefect and litellm as the command line does: offline.
apply_offline_defaults()

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.prefect",
    "tests.fixtures.flows",
    "tests.fixtures.simulator",
    "tests.fixtures.llm_endpoint",
    "tests.fixtures.poller",
]
