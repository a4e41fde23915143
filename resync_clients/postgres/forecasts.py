"""Writes of ``forecasts``: one capacity forecast per series and generation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from resync_core.forecasts import ForecastRecord

_UPSERT = (
    "INSERT INTO forecasts (series_key, generated_at, method, step_seconds,"
    " horizon, points, threshold, threshold_eta, threshold_eta_lower,"
    " threshold_eta_upper, details)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (series_key, generated_at) DO UPDATE SET"
    " method = EXCLUDED.method, step_seconds = EXCLUDED.step_seconds,"
    " horizon = EXCLUDED.horizon, points = EXCLUDED.points,"
    " threshold = EXCLUDED.threshold, threshold_eta = EXCLUDED.threshold_eta,"
    " threshold_eta_lower = EXCLUDED.threshold_eta_lower,"
    " threshold_eta_upper = EXCLUDED.threshold_eta_upper,"
    " details = EXCLUDED.details"
)


def upsert_forecasts(conn: psycopg.Connection[Any], forecasts: Sequence[ForecastRecord]) -> None:
    """Store ``forecasts``; a rerun of the same generation replaces its rows."""
    with conn.cursor() as cur:
        cur.executemany(
            _UPSERT,
            [
                (
                    f.series_key,
                    f.generated_at,
                    f.method,
                    f.step_seconds,
                    f.horizon,
                    Jsonb(list(f.points)),
                    f.threshold,
                    f.threshold_eta,
                    f.threshold_eta_lower,
                    f.threshold_eta_upper,
                    Jsonb(dict(f.details)),
                )
                for f in forecasts
            ],
        )
