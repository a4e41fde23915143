"""``resync-flows runtimes``: how long runs take, measured against history.

``runtimes backtest HISTORY.csv --json`` prints one JSON object per data row, in input order
(the contract in architecture.md): ``{"row", "p50", "p90"}``, the row's predicted median and
90th-percentile runtime in seconds from its job's strictly earlier rows only, ``null`` when
the job has no earlier row. Bad input (a FIFO or device, a missing column, an unreadable
start, a negative runtime) gives a message naming the line on stderr and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

app = typer.Typer(help="Runtime predictions backtested on a run history.", no_args_is_help=True)

BAD_INPUT = 2
# Lines written per write call: keeps memory flat and the pipe busy on millions of rows.
_BATCH = 100_000


@app.command("backtest")
def backtest(
    history_path: Annotated[
        Path,
        typer.Argument(metavar="HISTORY.csv", help="CSV with header job,start,runtime_seconds."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object a row.")] = False,
) -> None:
    """Predict every run's p50 and p90 runtime from its job's strictly earlier runs."""
    from resync_analytics.runtime_backtest import (
        HistoryError,
        backtest_runtimes,
        pinball_loss,
        read_history_csv,
    )
    from resync_flows.cli.inputs import InputFileError, check_regular_file

    try:
        check_regular_file(history_path)
        history = read_history_csv(str(history_path))
    except (InputFileError, HistoryError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(BAD_INPUT) from None
    predictions = backtest_runtimes(history.job, history.start, history.runtime_seconds)
    p50 = predictions["p50"].to_numpy()
    p90 = predictions["p90"].to_numpy()
    if as_json:
        _write_lines(p50, p90)
        return
    actual = history.runtime_seconds
    known = p50 == p50  # NaN where the job had no earlier run
    typer.echo(
        f"{history_path}: {len(history):,} runs of {len(history.jobs):,} jobs; "
        f"{int(known.sum()):,} with earlier runs to predict from"
    )
    if known.any():
        typer.echo(
            f"runs above p50: {(actual[known] > p50[known]).mean():.1%} (target 50%), "
            f"above p90: {(actual[known] > p90[known]).mean():.1%} (target 10%); "
            f"pinball loss p50 {pinball_loss(actual, p50, 0.5):.4g} s, "
            f"p90 {pinball_loss(actual, p90, 0.9):.4g} s"
        )


def _write_lines(p50: npt.NDArray[np.float64], p90: npt.NDArray[np.float64]) -> None:
    import pandas as pd

    out = sys.stdout
    rows = len(p50)
    for first in range(0, rows, _BATCH):
        last = min(first + _BATCH, rows)
        batch = pd.DataFrame(
            {"row": range(first, last), "p50": p50[first:last], "p90": p90[first:last]}
        )
        # pandas writes NaN as null; a millisecond is finer than any runtime is measured.
        text = batch.to_json(orient="records", lines=True, double_precision=3)
        out.write(text if text.endswith("\n") else text + "\n")
    out.flush()
