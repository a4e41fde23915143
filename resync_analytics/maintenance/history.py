"""The run history predictive maintenance learns from, as one columnar frame.

One row per job run. Times are UTC seconds since the epoch (float64, NaN when unknown), so a
month of a 100k-job shop (~3M rows) fits in a few hundred MB and every model works on numpy
arrays. ``job`` is a pandas categorical: group-bys run on its integer codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

# name -> dtype; the loaders (PostgreSQL, the simulator, tests) all produce exactly these.
RUN_HISTORY_COLUMNS: Mapping[str, str] = {
    "job_key": "category",
    "workstation": "category",
    "sched_time": "float64",
    "start_time": "float64",
    "end_time": "float64",
    "deadline_time": "float64",
    "duration_seconds": "float64",
    "failed": "bool",
    "run_attempt": "int64",
    "error_pattern": "object",
}

DAY_SECONDS = 86_400.0


class RunHistoryError(ValueError):
    """The run history cannot be used as given (missing columns, wrong types)."""


def run_history_frame(rows: Iterable[Mapping[str, object]] | pd.DataFrame) -> pd.DataFrame:
    """A validated run-history frame from records or a frame with the columns above.

    Datetimes are converted to epoch seconds. Raises ``RunHistoryError`` naming a missing
    column.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame.from_records(list(rows))
    missing = [name for name in RUN_HISTORY_COLUMNS if name not in frame.columns]
    if missing and len(frame):
        raise RunHistoryError(f"run history lacks column(s): {', '.join(missing)}")
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for name, dtype in RUN_HISTORY_COLUMNS.items():
        column = frame[name] if name in frame.columns else pd.Series([], dtype=object)
        if name.endswith("_time"):
            out[name] = _epoch_seconds(column)
        elif dtype == "bool":
            out[name] = column.fillna(False).astype(bool).to_numpy()
        elif dtype == "int64":
            out[name] = pd.to_numeric(column).fillna(1).astype("int64").to_numpy()
        elif dtype == "float64":
            out[name] = pd.to_numeric(column).astype("float64").to_numpy()
        elif dtype == "object":
            values = column.to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = None  # one "missing" for every source: None
            out[name] = pd.Series(values, dtype=object)
        elif dtype == "category":
            out[name] = column.astype("category").to_numpy()
        else:
            raise RunHistoryError(f"column {name}: unsupported dtype {dtype}")
    out["job_key"] = out["job_key"].astype("category")
    out["workstation"] = out["workstation"].astype("category")
    return out


def _epoch_seconds(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(column):
        return column.astype("float64").to_numpy()
    stamps = pd.to_datetime(column, utc=True)
    seconds = (stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
    return seconds.astype("float64").to_numpy()


def epoch_seconds(moment: datetime) -> float:
    """UTC seconds since the epoch of an aware (or UTC-naive) datetime."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.timestamp()


def stream_codes(job_keys: pd.Index) -> np.ndarray:
    """Per job code, a code for its stream (``WORKSTATION#STREAM`` of the job key)."""
    streams = pd.Series(np.asarray(job_keys, dtype=object)).str.rsplit(".", n=1).str[0]
    return pd.factorize(streams)[0].astype(np.int64)


def is_month_end(day: date, *, days_before: int = 2, days_after: int = 1) -> bool:
    """True in the month-end window: the last ``days_before`` days of a month and its first
    ``days_after`` days, when closing jobs run longer."""
    return day.day <= days_after or (day + timedelta(days=days_before)).month != day.month


def weekday_and_month_end(
    seconds: np.ndarray, *, days_before: int = 2, days_after: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Weekday (0 = Monday) and month-end flag of each UTC epoch second (NaN -> -1, False)."""
    days = np.floor(np.nan_to_num(seconds, nan=0.0) / DAY_SECONDS).astype("int64")
    dates = pd.to_datetime(days, unit="D")
    weekday = ((days + 3) % 7).astype("int64")  # 1970-01-01 was a Thursday
    day_of_month = dates.day.to_numpy()
    ahead = (dates + pd.Timedelta(days=days_before)).month.to_numpy()
    month_end = (day_of_month <= days_after) | (ahead != dates.month.to_numpy())
    unknown = np.isnan(seconds)
    weekday[unknown] = -1
    month_end[unknown] = False
    return weekday, month_end
