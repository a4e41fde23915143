"""Adapters, one per outside system (TWS, PostgreSQL, Prefect events, host metrics, LLM)."""

# Importing the top package first sets the offline defaults for Prefect and litellm, which
# otherwise phone home when they are imported.
import resync_flows  # noqa: F401
