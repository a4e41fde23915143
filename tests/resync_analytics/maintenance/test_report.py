"""The maintenance report: new risks first with their reasons, chronic lateness folded."""

from datetime import date

from resync_analytics.maintenance import JobRisk, RiskReason
from resync_analytics.maintenance.report import report_markdown


def risk(
    job_key: str,
    score: float,
    *,
    late_nights: int = 0,
    growth: float = 0.0,
    kind: str = "failure_rate",
) -> JobRisk:
    return JobRisk(
        job_key=job_key,
        workstation=job_key.split("#")[0],
        score=score,
        failure_probability=score / 2,
        late_probability=score / 2,
        predicted_seconds=600.0,
        p90_seconds=900.0,
        weekly_growth=growth,
        late_nights=late_nights,
        deadline_nights=28,
        reasons=(RiskReason(kind, f"reason of {job_key}", score),),
    )


def test_new_risks_lead_and_chronic_lateness_is_one_line_per_stream():
    risks = [
        risk("WS1#LATE.A", 0.99, late_nights=28),
        risk("WS1#LATE.B", 0.98, late_nights=27),
        risk("WS2#PAY.LOAD", 0.7, growth=0.04),
        risk("WS2#PAY.SORT", 0.1),
    ]
    text = report_markdown(risks, date(2026, 3, 2), alert_score=0.5, history_runs=1000)
    fresh = text.split("## Likely to fail or finish late tonight", 1)[1].split("##", 1)[0]
    assert "WS2#PAY.LOAD" in fresh and "reason of WS2#PAY.LOAD" in fresh
    assert "WS1#LATE.A" not in fresh  # chronic: folded below, not a new risk
    assert fresh.index("WS2#PAY.LOAD") < fresh.index("WS2#PAY.SORT")
    assert "+4.0% a week" in text
    chronic = text.split("## Late most nights", 1)[1]
    assert chronic.count("`WS1#LATE`") == 1 and "2 job(s) late" in chronic
    assert "3 at 50% risk or more (1 of them new)" in text


def test_a_stream_whose_jobs_are_all_at_risk_is_one_entry():
    risks = [risk(f"WS3#EVENING.JOB{n}", 0.8 - n / 100) for n in range(5)]
    risks.append(risk("WS4#OTHER.LOAD", 0.6))
    text = report_markdown(risks, date(2026, 3, 2), alert_score=0.5, history_runs=10)
    fresh = text.split("## Likely to fail or finish late tonight", 1)[1].split("##", 1)[0]
    assert "**WS3#EVENING**: 5 jobs at risk together, e.g. **JOB0** — 80%" in fresh
    assert fresh.count("- **WS3#EVENING") == 1
    assert "WS4#OTHER.LOAD" in fresh


def test_the_everyday_risk_of_jobs_is_not_listed_nor_grouped_with_a_real_one():
    risks = [risk("WS5#NIGHT.FLAKY", 0.3)]
    risks += [risk(f"WS5#NIGHT.JOB{n}", 0.03, kind="late_exposure") for n in range(6)]
    risks.append(risk("WS6#DAY.LOAD", 0.02, kind="failure_baseline"))
    text = report_markdown(risks, date(2026, 3, 2), alert_score=0.5, history_runs=10)
    fresh = text.split("## Likely to fail or finish late tonight", 1)[1].split("##", 1)[0]
    assert "WS5#NIGHT.FLAKY" in fresh and "jobs at risk together" not in fresh
    assert "JOB0" not in fresh and "WS6#DAY.LOAD" not in fresh


def failure_points():
    from resync_analytics.plan_graph import latest_safe_end, simulate, single_points_of_failure
    from tests.resync_analytics.plan_graph.builders import fixed_runtimes, plan

    # HUB feeds three deadline jobs with 5 minutes of slack each; LONE feeds one.
    names = ["HUB", "LONE", "D1", "D2", "D3", "D4"]
    edges = [("HUB", "D1"), ("HUB", "D2"), ("HUB", "D3"), ("LONE", "D4")]
    dag = plan(names, edges, deadlines=dict.fromkeys(["D1", "D2", "D3", "D4"], 45))
    runtimes = fixed_runtimes(dag, dict.fromkeys(names, 20.0))
    sim = simulate(dag, runtimes, sims=10)
    return single_points_of_failure(sim, latest_safe_end(dag, runtimes), recovery_minutes=10)


def section_of(text: str) -> str:
    marker = "## Tonight's three most consequential single points of failure"
    assert text.count(marker) == 1
    return text.split(marker, 1)[1]


def test_the_single_points_of_failure_name_the_deadlines_each_would_miss_and_by_how_much():
    points = failure_points()
    text = report_markdown(
        [risk("WS2#PAY.LOAD", 0.7)],
        date(2026, 3, 2),
        alert_score=0.5,
        history_runs=10,
        failure_points=points,
    )
    section = section_of(text)
    hub, lone = points[0].job_key, points[1].job_key
    assert section.index(f"**{hub}**") < section.index(f"**{lone}**")
    # A failure of HUB reruns it after 10 minutes: each of its deadlines ends 25 min late.
    assert "adds ~75 min late over all deadlines" in section
    hub_lines = section.split(f"**{hub}**", 1)[1].split(f"**{lone}**", 1)[0]
    for missed in points[0].outcome.missed:
        assert f"`{missed.job_key}` (due 00:45 UTC): missed by ~25m" in hub_lines
    assert hub_lines.count("chance of missing 0% → 100%") == 3


def test_the_report_says_nothing_of_failure_points_without_a_graph_and_so_when_none_cost():
    risks = [risk("WS2#PAY.LOAD", 0.7)]
    plain = report_markdown(risks, date(2026, 3, 2), alert_score=0.5, history_runs=10)
    assert "single points of failure" not in plain
    empty = report_markdown(
        risks, date(2026, 3, 2), alert_score=0.5, history_runs=10, failure_points=[]
    )
    assert "No single job's failure would cost a deadline tonight." in section_of(empty)
