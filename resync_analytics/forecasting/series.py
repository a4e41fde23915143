"""Regular time series: loading ``timestamp,value`` CSVs and putting samples on a fixed grid.

Forecasting and anomaly scoring assume one value per step. Real metric files are messier:
rows out of order, the same instant twice, a sampler that skipped a few beats, timestamps with
a little jitter. ``regularise`` repairs what can be repaired honestly and says what it did in
``RegularSeries.notes``; what cannot (no dominant step, mostly empty grid, too few points)
raises ``SeriesError`` with a message an operator can act on.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pandas._typing import SequenceNotStr

# Fewer points than this leave nothing to learn a level, a trend and an error from.
MIN_POINTS = 8
# A timestamp within this fraction of a step of a grid point is that grid point (jitter).
SNAP_TOLERANCE = 0.1
# Above this share of off-grid rows the samples are averaged into step-wide bins instead.
MAX_OFF_GRID_SHARE = 0.1
# Beyond this share of empty grid points interpolation would invent the series.
MAX_MISSING_SHARE = 0.5
# Larger magnitudes are refused: no metric comes near (a yottabyte is 1e24 bytes), and the
# differences, squares and sums of forecasting must stay finite (values near float's 1.8e308
# overflowed to inf and NaN, and method selection failed; from ~1e70 fitting slowed tenfold).
MAX_ABS_VALUE = 1e30


class SeriesError(ValueError):
    """The input cannot be turned into a regular series; the message says why."""


@dataclass(frozen=True)
class TimestampStyle:
    """How the input wrote its timestamps, so output timestamps look the same.

    ``tz`` is the input's zone (None for naive timestamps); ``separator`` is the character
    between date and time; ``utc_suffix`` is "Z" when the input wrote UTC as "Z".
    """

    tz: str | None = None
    separator: str = "T"
    utc_suffix: str = "+00:00"
    fractional: bool = False

    def format(self, moment: pd.Timestamp) -> str:
        """``moment`` as ISO-8601 text in this style (converted to the input's zone)."""
        if self.tz is not None:
            moment = moment.tz_convert(self.tz) if moment.tzinfo else moment.tz_localize(self.tz)
        elif moment.tzinfo is not None:
            moment = moment.tz_localize(None)
        text = moment.isoformat(sep=self.separator, timespec="auto")
        if not self.fractional and "." in text:
            # Keep sub-second precision only when the input had it.
            head, _, tail = text.partition(".")
            rest = tail.lstrip("0123456789")
            text = head + rest
        if self.utc_suffix == "Z" and text.endswith("+00:00"):
            text = text[: -len("+00:00")] + "Z"
        return text


@dataclass(frozen=True)
class RegularSeries:
    """Values on a regular grid: ``index[i] = start + i * step``; no missing values.

    ``notes`` lists the repairs made (gaps filled, duplicates merged, rows sorted...).
    """

    index: pd.DatetimeIndex
    values: np.ndarray
    step: pd.Timedelta
    style: TimestampStyle
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.values)

    @property
    def step_seconds(self) -> float:
        return self.step.total_seconds()

    def future_index(self, horizon: int) -> pd.DatetimeIndex:
        """The ``horizon`` grid points after the last observation."""
        return pd.date_range(self.index[-1] + self.step, periods=horizon, freq=self.step)

    def format_timestamp(self, moment: pd.Timestamp) -> str:
        return self.style.format(moment)


def _timestamp_style(texts: pd.Series, parsed: pd.DatetimeIndex) -> TimestampStyle:
    sample = str(texts.iloc[0]).strip()
    separator = "T" if "T" in sample else " "
    fractional = any("." in str(text).split(":")[-1] for text in texts.iloc[:50])
    tz = None if parsed.tz is None else str(parsed.tz)
    return TimestampStyle(
        tz=tz,
        separator=separator,
        utc_suffix="Z" if sample.upper().endswith("Z") else "+00:00",
        fractional=fractional,
    )


def read_series_csv(source: Path | str | io.TextIOBase) -> RegularSeries:
    """Read a ``timestamp,value`` CSV (header required) and regularise it.

    Raises ``SeriesError`` for an unreadable file, a missing column, unparseable timestamps or
    values, or a series that cannot be regularised (see ``regularise``).
    """
    name = str(source) if isinstance(source, (str, Path)) else "input"
    frame = _read_frame(source, name, "timestamp,value")
    columns = {str(column).strip().lower(): column for column in frame.columns}
    missing = [column for column in ("timestamp", "value") if column not in columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "nothing"
        raise SeriesError(
            f"{name}: missing column(s) {', '.join(missing)}; expected a header "
            f"'timestamp,value', found {found}"
        )
    texts = frame[columns["timestamp"]].astype(str).str.strip()
    value_texts = frame[columns["value"]].astype(str).str.strip()
    if len(texts) == 0:
        raise SeriesError(f"{name}: no data rows")
    parsed, values = _parse_points(name, texts, value_texts)
    return regularise(parsed, values, style=_timestamp_style(texts, parsed), name=name)


def _read_frame(source: Path | str | io.TextIOBase, name: str, header: str) -> pd.DataFrame:
    try:
        return pd.read_csv(source, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise SeriesError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SeriesError(f"{name}: is a directory, not a CSV file") from None
    except pd.errors.EmptyDataError:
        raise SeriesError(f"{name}: empty file (expected a header '{header}')") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise SeriesError(f"{name}: not a readable CSV file ({exc})") from None


def _parse_points(
    name: str, texts: pd.Series, value_texts: pd.Series
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Timestamps and values of the rows; ``SeriesError`` naming the lines of bad ones."""
    try:
        parsed = pd.DatetimeIndex(pd.to_datetime(texts, errors="coerce", format="mixed"))
    except (ValueError, TypeError) as exc:
        # Mixed naive and zoned timestamps cannot share one axis.
        raise SeriesError(f"{name}: inconsistent timestamps ({exc})") from None
    bad_times = np.flatnonzero(parsed.isna())
    if bad_times.size:
        raise SeriesError(
            f"{name}: unreadable timestamp on line(s) {_lines(bad_times)}"
            f" (e.g. {texts.iloc[bad_times[0]]!r})"
        )
    values = pd.to_numeric(value_texts, errors="coerce").to_numpy(dtype=float)
    bad_values = np.flatnonzero(~np.isfinite(values))
    if bad_values.size:
        raise SeriesError(
            f"{name}: non-numeric value on line(s) {_lines(bad_values)}"
            f" (e.g. {value_texts.iloc[bad_values[0]]!r})"
        )
    huge = np.flatnonzero(np.abs(values) > MAX_ABS_VALUE)
    if huge.size:
        raise SeriesError(
            f"{name}: value too large on line(s) {_lines(huge)}"
            f" (e.g. {value_texts.iloc[huge[0]]!r}); values must be within ±{MAX_ABS_VALUE:g}"
        )
    return parsed, values


def is_long_csv(source: Path | str) -> bool:
    """True when the CSV's header has a ``series`` column (``series,timestamp,value``)."""
    try:
        with open(source, encoding="utf-8", errors="replace") as handle:
            header = handle.readline(65_536)
    except OSError:
        return False  # the reader that follows reports it
    return "series" in {column.strip().strip('"').lower() for column in header.split(",")}


def read_long_series_csv(source: Path | str | io.TextIOBase) -> list[tuple[str, RegularSeries]]:
    """Read a ``series,timestamp,value`` CSV: one regularised series per distinct ``series``,
    in the order each first appears.

    Raises ``SeriesError`` as ``read_series_csv`` does (lines counted in the whole file), or
    naming the series that cannot be regularised.
    """
    name = str(source) if isinstance(source, (str, Path)) else "input"
    header = "series,timestamp,value"
    frame = _read_frame(source, name, header)
    columns = {str(column).strip().lower(): column for column in frame.columns}
    missing = [column for column in ("series", "timestamp", "value") if column not in columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "nothing"
        raise SeriesError(
            f"{name}: missing column(s) {', '.join(missing)}; expected a header "
            f"'{header}', found {found}"
        )
    if len(frame) == 0:
        raise SeriesError(f"{name}: no data rows")
    keys = frame[columns["series"]].astype(str).str.strip()
    empty = np.flatnonzero((keys == "").to_numpy())
    if empty.size:
        raise SeriesError(f"{name}: empty series name on line(s) {_lines(empty)}")
    texts = frame[columns["timestamp"]].astype(str).str.strip()
    value_texts = frame[columns["value"]].astype(str).str.strip()
    parsed, values = _parse_points(name, texts, value_texts)
    codes, uniques = pd.factorize(keys)
    # The timestamp style of every row at once (as ``_timestamp_style`` reads one series).
    has_t = texts.str.contains("T", regex=False).to_numpy(dtype=bool)
    has_z = texts.str.endswith(("Z", "z")).to_numpy(dtype=bool)
    # A dot after the last colon: sub-second digits.
    fractional = texts.str.contains(r"\.[^:]*$", regex=True).to_numpy(dtype=bool)
    tz = None if parsed.tz is None else str(parsed.tz)
    # Rows of each series together, in file order within a series.
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    nanos = parsed.as_unit("ns").asi8
    regular = _already_regular(nanos[order], bounds)
    result = []
    for code, key in enumerate(uniques):
        rows = order[bounds[code] : bounds[code + 1]]
        first = rows[0]
        style = TimestampStyle(
            tz=tz,
            separator="T" if has_t[first] else " ",
            utc_suffix="Z" if has_z[first] else "+00:00",
            fractional=bool(fractional[rows[:50]].any()),
        )
        if regular[code]:
            # Nothing to repair: regularise would return the same values, a hundred times
            # slower (10,000 series in one file took minutes).
            step = pd.Timedelta(int(nanos[rows[1]] - nanos[rows[0]]), unit="ns")
            series = RegularSeries(
                index=pd.DatetimeIndex(parsed[rows]), values=values[rows], step=step, style=style
            )
        else:
            series = regularise(parsed[rows], values[rows], style=style, name=f"{name} [{key}]")
        result.append((str(key), series))
    return result


def _already_regular(stamps: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Per group of ``stamps`` (ns, groups between ``bounds``): already a regular grid?

    True when a group has at least ``MIN_POINTS`` rows, in order, exactly one step apart, and
    the step is one ``regularise`` would infer itself (whole seconds, not just off a round one).
    """
    result = np.zeros(len(bounds) - 1, dtype=bool)
    gaps = np.diff(stamps)
    for group in range(len(result)):
        start, end = int(bounds[group]), int(bounds[group + 1])
        if end - start < MIN_POINTS:
            continue
        inner = gaps[start : end - 1]
        step_ns = int(inner[0])
        if step_ns <= 0 or step_ns % 1_000_000_000 or not (inner == step_ns).all():
            continue
        result[group] = _nice_step(step_ns / 1e9) == pd.Timedelta(step_ns, unit="ns")
    return result


def _lines(positions: np.ndarray) -> str:
    # +2: the header is line 1 and CSV lines count from 1.
    shown = ", ".join(str(int(p) + 2) for p in positions[:5])
    return shown + (f" and {positions.size - 5} more" if positions.size > 5 else "")


def regularise(
    times: Sequence[datetime] | pd.DatetimeIndex,
    values: Sequence[float] | np.ndarray,
    *,
    style: TimestampStyle | None = None,
    step: pd.Timedelta | None = None,
    name: str = "series",
    min_points: int = MIN_POINTS,
) -> RegularSeries:
    """Put (time, value) samples on a regular grid of ``step`` (inferred when None).

    Rows are sorted; values at the same instant are averaged; timestamps within 10% of a step
    of the grid are snapped to it; when more rows than that are off the grid the samples are
    averaged per step-wide bin; missing grid points are filled by linear interpolation.
    Raises ``SeriesError`` when fewer than ``min_points`` remain, no step can be inferred,
    more than half of the grid would have to be invented, or a value is not finite or beyond
    ``MAX_ABS_VALUE``.
    """
    # pandas takes any sequence of datetimes; its stubs want one indexable by any SupportsIndex
    # (SequenceNotStr), which typing's Sequence (indexed by int) is not.
    index = pd.DatetimeIndex(cast("SequenceNotStr[datetime] | pd.DatetimeIndex", times))
    data = np.asarray(values, dtype=float)
    if len(index) != len(data):
        raise SeriesError(f"{name}: {len(index)} timestamps but {len(data)} values")
    if not np.isfinite(data).all():
        raise SeriesError(f"{name}: values must be finite numbers")
    if data.size and np.abs(data).max() > MAX_ABS_VALUE:
        raise SeriesError(f"{name}: values must be within ±{MAX_ABS_VALUE:g}")
    if style is None:
        style = TimestampStyle(tz=None if index.tz is None else str(index.tz))
    notes: list[str] = []
    if len(index) and not index.is_monotonic_increasing:
        notes.append("rows were not in time order: sorted")
    frame = pd.Series(data, index=index).sort_index()
    duplicated = int(frame.index.duplicated().sum())
    if duplicated:
        frame = frame.groupby(level=0).mean()
        notes.append(f"{duplicated} duplicate timestamp(s): values averaged")
    if len(frame) < min_points:
        raise SeriesError(
            f"{name}: {len(frame)} distinct timestamp(s); at least {min_points} are needed"
        )

    # sort_index() and groupby(level=0) keep the DatetimeIndex; pandas-stubs type every
    # Series index as a plain Index.
    frame_times = cast(pd.DatetimeIndex, frame.index)
    if step is None:
        step = _infer_step(frame_times, name)
    seconds = _seconds_since(frame_times, frame_times[0])
    step_s = step.total_seconds()
    positions = seconds / step_s
    nearest = np.round(positions)
    off_grid = np.abs(positions - nearest) > SNAP_TOLERANCE
    if off_grid.mean() > MAX_OFF_GRID_SHARE:
        slots = np.floor(positions + 1e-9).astype(np.int64)
        notes.append(
            f"{int(off_grid.sum())} of {len(frame)} timestamps off the {_describe(step)} grid:"
            f" values averaged per {_describe(step)}"
        )
    else:
        slots = nearest.astype(np.int64)
        if off_grid.any():
            notes.append(f"{int(off_grid.sum())} timestamp(s) off the grid: averaged into it")
    binned = pd.Series(frame.to_numpy(), index=slots).groupby(level=0).mean()
    merged = len(frame) - len(binned)
    if merged and off_grid.mean() <= MAX_OFF_GRID_SHARE:
        notes.append(f"{merged} sample(s) fell on an occupied grid point: averaged")

    full = np.arange(int(binned.index[-1]) + 1)
    missing = len(full) - len(binned)
    if missing / len(full) > MAX_MISSING_SHARE:
        raise SeriesError(
            f"{name}: {missing} of {len(full)} points missing on the {_describe(step)} grid;"
            " the step is too irregular to regularise"
        )
    filled = binned.reindex(full).interpolate(method="linear", limit_direction="both")
    if missing:
        notes.append(f"{missing} missing point(s) filled by linear interpolation")
    if len(filled) < min_points:
        raise SeriesError(f"{name}: {len(filled)} point(s) on the grid; at least {min_points}")
    grid = pd.DatetimeIndex(frame.index[0] + step * full)
    return RegularSeries(
        index=grid,
        values=filled.to_numpy(dtype=float),
        step=step,
        style=style,
        notes=tuple(notes),
    )


def _seconds_since(index: pd.DatetimeIndex, origin: pd.Timestamp) -> np.ndarray:
    return np.asarray((index - origin) / pd.Timedelta(seconds=1), dtype=float)


def _infer_step(index: pd.DatetimeIndex, name: str) -> pd.Timedelta:
    gaps = np.diff(_seconds_since(index, index[0]))
    step_s = float(np.median(gaps))
    if step_s <= 0:
        raise SeriesError(f"{name}: cannot infer a time step")
    return _nice_step(step_s)


def _nice_step(step_s: float) -> pd.Timedelta:
    # Samplers run on round schedules; a median a little off one is jitter, not the step.
    for nice in _NICE_STEPS:
        if abs(step_s - nice) <= 0.02 * nice:
            return pd.Timedelta(seconds=nice)
    return pd.Timedelta(seconds=max(1.0, round(step_s)))


_NICE_STEPS = (
    1, 2, 5, 10, 15, 20, 30,
    60, 120, 300, 600, 900, 1200, 1800,
    3600, 7200, 10800, 14400, 21600, 43200,
    86400, 7 * 86400,
)  # fmt: skip


def _describe(step: pd.Timedelta) -> str:
    seconds = int(step.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count}-{unit}" if count != 1 else unit
    return f"{seconds}-second"


def steps_per(period: pd.Timedelta, step: pd.Timedelta) -> float:
    """How many steps make ``period`` (e.g. 288 five-minute steps per day)."""
    return period.total_seconds() / step.total_seconds()
