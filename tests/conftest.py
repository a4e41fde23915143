"""Shared fixtures live in tests/fixtures/ (one module per real component) and load here."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.prefect",
    "tests.fixtures.flows",
    "tests.fixtures.simulator",
    "tests.fixtures.llm_endpoint",
    "tests.fixtures.poller",
]
