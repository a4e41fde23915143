"""Durations as a Java TWS writes them, read by the client's models."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from resync_clients.tws.durations import parse_duration
from resync_clients.tws.models import APIObjectError, JobPage, from_mapping, parse_json


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT5H9M", timedelta(hours=5, minutes=9)),
        ("PT0S", timedelta(0)),
        ("PT48H", timedelta(hours=48)),
        ("PT1.5S", timedelta(seconds=1.5)),
        ("PT1,5S", timedelta(seconds=1.5)),
        ("P2D", timedelta(days=2)),
        ("P1W", timedelta(days=7)),
        ("pt1h", timedelta(hours=1)),
        # java.time.Duration.toString() puts the sign on every component.
        ("PT-0.5S", timedelta(seconds=-0.5)),
        ("PT-1H-30M", timedelta(hours=-1, minutes=-30)),
        # Duration.parse accepts a leading sign and mixed signs too.
        ("-PT5M", timedelta(minutes=-5)),
        ("-P1DT2H", timedelta(days=-1, hours=-2)),
        ("P1DT-1H", timedelta(hours=23)),
        ("-PT-5M", timedelta(minutes=5)),
    ],
)
def test_java_durations_are_read(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["garbage", "", "P", "PT", "P1DT", "P1Y", "P2M", "5 minutes", "P999999999999D"]
)
def test_unreadable_durations_give_none(text: str) -> None:
    assert parse_duration(text) is None


def test_a_page_with_one_bad_duration_keeps_every_job_and_reports_it() -> None:
    jobs = [
        {"id": str(n), "name": f"J{n}", "jobruns": [{"id": f"r{n}", "timeInfo": time_info}]}
        for n, time_info in enumerate(
            [
                {"elapsedTime": "PT1M"},
                {"elapsedTime": "not-a-duration"},
                {"elapsedTime": "PT-0.5S", "estimatedDuration": 90},
                {"elapsedTime": True},
            ]
        )
    ]
    invalid: list[str] = []
    page = parse_json(JobPage, json.dumps({"count": 4, "results": jobs}), invalid=invalid)
    elapsed = [job.jobruns[0].time_info.elapsed_time for job in page.results]  # type: ignore[union-attr]
    assert elapsed == [timedelta(minutes=1), None, timedelta(seconds=-0.5), None]
    assert page.results[2].jobruns[0].time_info.estimated_duration == timedelta(seconds=90)  # type: ignore[union-attr]
    assert sorted(invalid) == ["elapsedTime='True'", "elapsedTime='not-a-duration'"]


def test_from_mapping_repairs_durations_without_changing_its_input() -> None:
    raw = {"id": "x", "name": "X", "timeRestrictions": {"maxDuration": "PT-1M"}}
    page = from_mapping(JobPage, {"results": [raw]})
    assert page.results[0].time_restrictions.max_duration == timedelta(minutes=-1)  # type: ignore[union-attr]
    assert raw["timeRestrictions"] == {"maxDuration": "PT-1M"}


def test_a_page_broken_elsewhere_is_still_rejected_with_the_place_named() -> None:
    body = json.dumps({"results": [{"id": "x", "name": "X", "jobruns": "no", "x": "PT-1S"}]})
    with pytest.raises(APIObjectError, match=r"results\[0\]\.jobruns"):
        parse_json(JobPage, body)
