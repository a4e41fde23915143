"""Adapters, one per outside system (TWS, PostgreSQL, Prefect events, host metrics, LLM)."""
