"""Alert conditions at their thresholds, and an episode raising each alert (and status change) once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.outcomes.domain.alerts import (
    MEASURES_MISSED,
    OFF_TRACK,
    PHQ9_ITEM9_POSITIVE,
    RELIABLE_DETERIORATION,
    AlertPolicy,
    AttendedSession,
    alert_conditions,
    missed_measures,
)
from services.outcomes.domain.course import EpisodeCourse
from services.outcomes.domain.events import AlertRaised, StatusChanged
from services.outcomes.domain.measure import Measure

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
POLICY = AlertPolicy()


def at(session: int) -> datetime:
    """Session n starts n weeks after START (session 0: intake, before the course)."""
    return START + timedelta(weeks=session)


def attended(*numbers: int) -> list[AttendedSession]:
    return [AttendedSession(f"s{n}", n, at(n), at(n) + timedelta(minutes=50)) for n in numbers]


def measure(instrument: str, total: int, session: int | None, **more) -> Measure:
    """A measure in `session` (None: at intake, before session 1)."""
    when = at(session or 0) + timedelta(minutes=30)
    return Measure(
        measure_id=more.pop("measure_id", f"{instrument}-{session}"),
        client_id="client-1",
        instrument=instrument,
        version="1.0",
        total=total,
        severity=None,
        positive=more.pop("positive", False),
        administered_at=when,
        session_number=session,
        **more,
    )


def kinds(measures, sessions, policy=POLICY, closed=False) -> list[tuple[str, str | None]]:
    return [(c.kind, c.instrument) for c in alert_conditions(measures, sessions, policy, closed)]


# -- reliable deterioration -----------------------------------------------------------------------
@pytest.mark.parametrize(("latest", "alerted"), [(15, False), (16, True), (17, True)])
def test_reliable_deterioration_on_the_phq9(latest, alerted):
    found = kinds([measure("phq9", 10, None), measure("phq9", latest, 1)], attended(1))
    assert ((RELIABLE_DETERIORATION, "phq9") in found) is alerted


def test_deterioration_is_named_per_instrument():
    measures = [measure("phq9", 8, None), measure("gad7", 6, None), measure("phq9", 14, 2), measure("gad7", 10, 2)]
    found = kinds(measures, attended(1, 2))
    assert (RELIABLE_DETERIORATION, "phq9") in found and (RELIABLE_DETERIORATION, "gad7") in found


# -- off track ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("session", "alerted"), [(5, False), (6, True), (7, True)])
def test_off_track_without_reliable_improvement_by_session_6(session, alerted):
    measures = [measure("phq9", 14, None), measure("phq9", 12, session)]
    assert ((OFF_TRACK, None) in kinds(measures, attended(*range(1, session + 1)))) is alerted


def test_reliable_improvement_on_either_measure_is_on_track():
    measures = [measure("phq9", 14, None), measure("gad7", 12, None), measure("phq9", 13, 6), measure("gad7", 8, 6)]
    assert (OFF_TRACK, None) not in kinds(measures, attended(*range(1, 7)))


def test_a_client_not_unwell_at_the_start_is_never_off_track():
    measures = [measure("phq9", 9, None), measure("phq9", 9, 8)]  # PHQ-9 9 is below caseness
    assert (OFF_TRACK, None) not in kinds(measures, attended(*range(1, 9)))


def test_the_off_track_session_is_a_setting():
    measures = [measure("phq9", 14, None), measure("phq9", 12, 4)]
    assert (OFF_TRACK, None) in kinds(measures, attended(1, 2, 3, 4), AlertPolicy(off_track_session=4))
    assert (OFF_TRACK, None) not in kinds(measures, attended(1, 2, 3, 4))


def test_a_measure_taken_outside_a_session_counts_at_the_sessions_attended_by_then():
    late = measure("phq9", 13, None, measure_id="outside")
    late = Measure(**{**vars(late), "administered_at": at(6) + timedelta(days=1)})
    measures = [measure("phq9", 14, None), late]
    assert (OFF_TRACK, None) in kinds(measures, attended(*range(1, 7)))
    assert (OFF_TRACK, None) not in kinds(measures, attended(*range(1, 6)))


# -- PHQ-9 item 9 ---------------------------------------------------------------------------------
SELF_HARM = ("suicidal_ideation",)


def test_item9_newly_positive_during_treatment():
    measures = [measure("phq9", 12, None), measure("phq9", 12, 1), measure("phq9", 13, 2, flags=SELF_HARM)]
    [condition] = [c for c in alert_conditions(measures, attended(1, 2), POLICY) if c.kind == PHQ9_ITEM9_POSITIVE]
    assert (condition.measure_id, condition.session_number) == ("phq9-2", 2)


def test_item9_positive_at_baseline_and_still_is_not_newly_positive():
    measures = [measure("phq9", 12, None, flags=SELF_HARM), measure("phq9", 12, 1, flags=SELF_HARM)]
    assert (PHQ9_ITEM9_POSITIVE, "phq9") not in kinds(measures, attended(1))


def test_item9_positive_on_the_first_phq9_is_not_during_treatment():
    assert (PHQ9_ITEM9_POSITIVE, "phq9") not in kinds([measure("phq9", 12, 1, flags=SELF_HARM)], attended(1))


# -- measures missed ------------------------------------------------------------------------------
def test_measures_missed_three_sessions_in_a_row():
    # Session 4's record may still bring measures: sessions 1-3 are judged, and all three had none.
    [condition] = missed_measures([], attended(1, 2, 3, 4), POLICY)
    assert (condition.kind, condition.session_number) == (MEASURES_MISSED, 3)


def test_two_missed_is_below_the_threshold_and_the_latest_session_waits_for_its_record():
    assert missed_measures([], attended(1, 2, 3), POLICY) == []


def test_a_closed_episode_judges_its_last_session_too():
    assert missed_measures([], attended(1, 2, 3), POLICY, closed=True) != []


def test_a_measure_in_between_breaks_the_run():
    assert missed_measures([measure("phq9", 10, 2)], attended(1, 2, 3, 4, 5), POLICY) == []
    assert missed_measures([measure("phq9", 10, 2)], attended(1, 2, 3, 4, 5, 6), POLICY) != []


def test_a_screening_before_the_first_session_counts_for_it():
    assert missed_measures([measure("phq9", 10, None)], attended(1, 2, 3, 4), POLICY) == []


def test_the_run_length_is_a_setting():
    assert missed_measures([], attended(1, 2, 3), AlertPolicy(missed_in_a_row=2)) != []


def test_alert_settings_count_whole_sessions():
    with pytest.raises(ValueError):
        AlertPolicy(off_track_session=0)


# -- an episode raises each once ------------------------------------------------------------------
def course() -> EpisodeCourse:
    return EpisodeCourse(episode_id="episode-1", client_id="client-1", clinician_id="dr-1", opened_at=START)


def events(of: EpisodeCourse, kind: type) -> list:
    return [e for e in of.pending_events if isinstance(e, kind)]


def test_an_alert_is_raised_once_per_episode_not_on_every_new_measure():
    episode = course()
    measures = [measure("phq9", 10, None), measure("phq9", 16, 1)]
    episode.review(measures, POLICY, at(1), measures[-1])
    measures.append(measure("phq9", 18, 2))
    episode.review(measures, POLICY, at(2), measures[-1])
    episode.review(measures, POLICY, at(2), measures[-1])  # the same measure reviewed again
    [alert] = events(episode, AlertRaised)
    assert (alert.kind, alert.instrument, alert.measure_id) == ("reliable_deterioration", "phq9", "phq9-1")
    assert (alert.client_id, alert.episode_id, alert.clinician_id) == ("client-1", "episode-1", "dr-1")
    assert alert.rule_set == "nhs-talking-therapies+jacobson-truax/v1"
    assert episode.raised_alerts == ["reliable_deterioration:phq9"]


def test_the_same_condition_in_another_episode_is_raised_again_under_another_id():
    first, second = course(), EpisodeCourse(episode_id="episode-2", client_id="client-1", clinician_id="dr-2")
    measures = [measure("phq9", 10, None), measure("phq9", 16, 1)]
    for episode in (first, second):
        episode.review(measures, POLICY, at(1), measures[-1])
    [one], [two] = events(first, AlertRaised), events(second, AlertRaised)
    assert one.alert_id != two.alert_id and two.clinician_id == "dr-2"


def test_status_changes_are_announced_when_reached_and_when_lost():
    episode = course()
    measures = [measure("phq9", 16, None), measure("gad7", 9, None)]
    episode.review(measures, POLICY, at(0), measures[-1])
    assert events(episode, StatusChanged) == []  # a baseline reaches nothing
    measures += [measure("phq9", 4, 1), measure("gad7", 5, 1)]
    episode.review(measures, POLICY, at(1), measures[-1])
    reached = [(e.status, e.change) for e in events(episode, StatusChanged)]
    assert reached == [("response", "reached"), ("remission", "reached"), ("recovery", "reached")]
    episode.review(measures, POLICY, at(1), measures[-1])
    assert len(events(episode, StatusChanged)) == 3  # nothing new: nothing announced
    measures.append(measure("phq9", 9, 2))  # a fall of 7 of 16: no longer half, not below 5
    episode.review(measures, POLICY, at(2), measures[-1])
    lost = [(e.status, e.change) for e in events(episode, StatusChanged)][3:]
    assert lost == [("response", "lost"), ("remission", "lost")]  # still below both cut-offs: recovered
    assert episode.statuses == {"response": False, "remission": False, "recovery": True}
