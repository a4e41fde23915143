"""Actions proposed before the batch follow from the reasons of each score."""

from resync_analytics.maintenance import JobRisk, RiskReason
from resync_analytics.maintenance.actions import suggest_actions


def at_risk(*kinds: str, late_nights: int = 0) -> JobRisk:
    return JobRisk(
        job_key="FTA01#NIGHTLY.LOAD",
        workstation="FTA01",
        score=0.7,
        failure_probability=0.1,
        late_probability=0.6,
        predicted_seconds=1800.0,
        p90_seconds=2700.0,
        weekly_growth=0.03 if "runtime_growth" in kinds else 0.0,
        late_nights=late_nights,
        deadline_nights=20,
        reasons=tuple(RiskReason(kind, kind, 1.0) for kind in kinds),
    )


def test_a_new_late_risk_gets_the_priority_command_and_the_time_it_needs():
    (action,) = suggest_actions(at_risk("late_risk"))
    assert 'conman "ap FTA01#NIGHTLY.LOAD;99"' in action
    assert "45m at worst" in action


def test_a_job_late_most_nights_is_sent_to_its_definition_not_to_tonights_priority():
    (action,) = suggest_actions(at_risk("late_risk", late_nights=15))
    assert "deadline" in action and "conman" not in action


def test_failures_and_growth_each_bring_their_action():
    actions = suggest_actions(at_risk("failure_rate", "recurring_error", "runtime_growth"))
    assert len(actions) == 2
    assert any("3.0% a week" in a for a in actions)
    assert any('conman "rr FTA01#NIGHTLY.LOAD;noask"' in a for a in actions)


def test_nothing_to_say_proposes_nothing():
    assert suggest_actions(at_risk()) == ()


def test_a_job_exposed_to_hangs_before_it_gets_its_stream_watched():
    (action,) = suggest_actions(at_risk("late_exposure"))
    assert 'conman "sj FTA01#NIGHTLY.@"' in action
