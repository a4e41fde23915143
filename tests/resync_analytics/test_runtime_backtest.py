"""Runtime backtest: predictions from strictly earlier runs only, calibrated on unseen jobs."""

import numpy as np
import pandas as pd
import pytest

from resync_analytics.runtime_backtest import (
    BacktestConfig,
    HistoryError,
    backtest_runtimes,
    pinball_loss,
    read_history_csv,
)


def lognormal_history(jobs: int, runs: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    job = np.repeat(np.arange(jobs), runs)
    night = np.tile(np.arange(runs), jobs)
    median = np.exp(rng.normal(np.log(300), 1.0, jobs))
    sigma = rng.uniform(0.1, 0.5, jobs)
    runtime = median[job] * np.exp(rng.normal(0, 1, job.size) * sigma[job])
    return pd.DataFrame(
        {"job": job.astype(str), "start": night * 86_400 + job, "runtime_seconds": runtime}
    )


def test_first_run_of_each_job_has_no_prediction():
    result = backtest_runtimes(
        np.array(["a", "b", "a"]), np.array([1, 1, 2]), np.array([10.0, 20.0, 30.0])
    )
    assert result["p50"].isna().tolist() == [True, True, False]
    assert result["p90"].isna().tolist() == [True, True, False]


def test_a_later_run_does_not_change_an_earlier_prediction():
    history = lognormal_history(3, 20, seed=1)
    before = backtest_runtimes(history["job"], history["start"], history["runtime_seconds"])
    changed = history.copy()
    last_of_job0 = changed.index[(changed["job"] == "0")][-1]
    changed.loc[last_of_job0, "runtime_seconds"] = 1e7
    after = backtest_runtimes(changed["job"], changed["start"], changed["runtime_seconds"])
    earlier = changed["job"].eq("0") & (changed.index < last_of_job0)
    pd.testing.assert_frame_equal(before[earlier], after[earlier])
    # Its own prediction does not use its own runtime either.
    assert after.loc[last_of_job0, "p50"] == before.loc[last_of_job0, "p50"]


def test_runs_starting_at_the_same_instant_do_not_see_each_other():
    result = backtest_runtimes(
        np.array(["a", "a", "a", "a"]),
        np.array([5, 9, 9, 12]),
        np.array([100.0, 100.0, 5000.0, 100.0]),
    )
    # Rows 1 and 2 start together: both see only row 0, so they get the same prediction.
    assert result.loc[1, "p50"] == result.loc[2, "p50"]
    assert result.loc[1, "p50"] == pytest.approx(100.0, rel=0.2)
    # Row 3 sees the 5000 s run.
    assert result.loc[3, "p50"] > result.loc[1, "p50"]


def test_results_follow_input_order_whatever_the_row_order():
    history = lognormal_history(5, 10, seed=2)
    shuffled = history.sample(frac=1.0, random_state=3)
    straight = backtest_runtimes(history["job"], history["start"], history["runtime_seconds"])
    mixed = backtest_runtimes(shuffled["job"], shuffled["start"], shuffled["runtime_seconds"])
    mixed.index = shuffled.index
    pd.testing.assert_frame_equal(straight, mixed.sort_index())


def test_quantiles_are_calibrated_and_beat_the_previous_run_on_unseen_jobs():
    history = lognormal_history(400, 40, seed=4)
    result = backtest_runtimes(history["job"], history["start"], history["runtime_seconds"])
    actual = history["runtime_seconds"].to_numpy()
    p50, p90 = result["p50"].to_numpy(), result["p90"].to_numpy()
    known = np.isfinite(p50)
    assert (actual[known] > p50[known]).mean() == pytest.approx(0.5, abs=0.05)
    assert (actual[known] > p90[known]).mean() == pytest.approx(0.1, abs=0.04)
    previous = history.groupby("job")["runtime_seconds"].shift(1).to_numpy()
    assert pinball_loss(actual, p50, 0.5) < 0.9 * pinball_loss(actual, previous, 0.5)
    assert pinball_loss(actual, p90, 0.9) < 0.9 * pinball_loss(actual, previous, 0.9)


def write(tmp_path, text: str):
    path = tmp_path / "history.csv"
    path.write_text(text)
    return str(path)


def test_reader_returns_rows_in_file_order(tmp_path):
    path = write(
        tmp_path,
        "job,start,runtime_seconds\n"
        "nightly,2026-03-01T02:00:00Z,120\n"
        "hourly,2026-03-01 03:00:00,0\n"
        "nightly,2026-03-02T02:00:00+01:00,130.5\n",
    )
    history = read_history_csv(path)
    assert len(history) == 3
    assert list(history.jobs[history.job]) == ["nightly", "hourly", "nightly"]
    assert history.runtime_seconds.tolist() == [120.0, 0.0, 130.5]
    assert history.start[2] - history.start[0] == (24 - 1) * 3600 * 10**9


HEADER = "job,start,runtime_seconds\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("job,when,runtime_seconds\na,2026-03-01T02:00:00Z,1\n", "line 1: missing column(s) start"),
        (HEADER + "a,2026-03-01T02:00:00Z,1\na,soon,2\n", "line 3: unreadable start 'soon'"),
        (HEADER + "a,2026-03-01T02:00:00Z,-4\n", "line 2: negative runtime_seconds '-4'"),
        (HEADER + "a,2026-03-01T02:00:00Z,fast\n", "line 2: runtime_seconds 'fast' is not"),
        (HEADER + ",2026-03-01T02:00:00Z,1\n", "line 2: empty job"),
        ("", "empty file"),
    ],
)  # fmt: skip
def test_bad_history_names_the_line(tmp_path, text, message):
    with pytest.raises(HistoryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_history_csv(write(tmp_path, text))


def test_line_numbers_hold_across_chunks(tmp_path):
    rows = [f"a,2026-03-0{day}T02:00:00Z,10" for day in range(1, 8)]
    rows[5] = "a,2026-03-06T02:00:00Z,-1"
    path = write(tmp_path, "job,start,runtime_seconds\n" + "\n".join(rows) + "\n")
    with pytest.raises(HistoryError, match="line 7: negative"):
        read_history_csv(path, chunk_rows=2)


def test_the_p90_remembers_a_jobs_long_run_spread_after_a_calm_stretch():
    # 40 nights swinging between 100 s and 1,000 s, then 6 calm nights at 100 s: the model's
    # short memory alone narrows its p90 toward 100 s; the job's own last 50 runs still say
    # that a long run is one night in two.
    swings = [100.0, 1000.0] * 20 + [100.0] * 6
    runtime = np.array([*swings, 100.0])
    job = np.zeros(len(runtime), dtype=int).astype(str)
    start = np.arange(len(runtime))
    alone = backtest_runtimes(job, start, runtime, BacktestConfig(window_weight90=0.0))
    blended = backtest_runtimes(job, start, runtime)
    window_p90 = np.quantile(swings[-50:], 0.9)
    assert blended["p90"].iloc[-1] > alone["p90"].iloc[-1] + 100
    assert blended["p90"].iloc[-1] == pytest.approx(
        0.5 * alone["p90"].iloc[-1] + 0.5 * window_p90, rel=1e-9
    )
    # The p50 is the model's own.
    assert blended["p50"].iloc[-1] == pytest.approx(alone["p50"].iloc[-1])
