"""Outcomes consuming intake's and sessions' events on fake storage: what it keeps and announces,
and that an event delivered again (or the same result published again) changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.outcomes import bootstrap
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLIENT, EPISODE, CLINICIAN = "client-7", "episode-7", "dr-7"


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    return bootstrap.fake_dependencies()


def deliver(deps, type_: str, at: datetime, **changes) -> Envelope:
    data = dict(contract_for(type_, 1).example, client_id=CLIENT, **changes)
    event = Envelope(type=type_, version=1, source=type_.split(".")[0], subject=CLIENT, data=data, time=at)
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))
    return event


def published(deps, type_: str) -> list[dict]:
    return [e.data for e in deps.memory.outbox if e.type == type_]


def open_episode(deps, at: datetime = T0) -> None:
    deliver(deps, "sessions.episode.opened", at, episode_id=EPISODE, opened_at=at.isoformat())
    deliver(deps, "sessions.episode.assigned", at, episode_id=EPISODE, clinician_id=CLINICIAN)


def screening(deps, instrument: str, total: int, at: datetime, flags=()) -> str:
    screening_id = str(uuid.uuid4())
    deliver(
        deps,
        "intake.screening.completed",
        at,
        screening_id=screening_id,
        instrument=instrument,
        total=total,
        severity=None,
        positive=total >= 10,
        flags=list(flags),
        administered_at=at.isoformat(),
    )
    return screening_id


def session_measure(deps, number: int, instrument: str, total: int, flags=(), at: datetime | None = None) -> dict:
    at = at or T0 + timedelta(weeks=number)
    changes = {
        "measure_id": f"session-{number}:{instrument}",
        "session_id": f"session-{number}",
        "episode_id": EPISODE,
        "clinician_id": CLINICIAN,
        "session_number": number,
        "instrument": instrument,
        "total": total,
        "severity": None,
        "positive": total >= 10,
        "flags": list(flags),
        "risk_urgency": None,
        "risk_source": None,
        "administered_at": at.isoformat(),
        "cutoff": 10,
    }
    deliver(deps, "sessions.measure.recorded", at, **changes)
    return changes


def attend(deps, number: int) -> dict:
    start = T0 + timedelta(weeks=number)
    changes = {
        "session_id": f"session-{number}",
        "episode_id": EPISODE,
        "clinician_id": CLINICIAN,
        "number": number,
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=50)).isoformat(),
    }
    deliver(deps, "sessions.session.attended", start + timedelta(minutes=50), **changes)
    return changes


def test_a_screening_is_stored_with_its_source_cut_off_and_episode_and_announced(deps):
    open_episode(deps)
    screening_id = screening(deps, "phq9", 15, T0 + timedelta(minutes=5))
    [measure] = deps.repos.measures.for_client(CLIENT)
    assert (measure.measure_id, measure.source, measure.episode_id, measure.cutoff) == (
        screening_id,
        "intake",
        EPISODE,
        10,
    )
    [recorded] = published(deps, "outcomes.score.recorded")
    assert recorded | {"administered_at": None} == {
        "measure_id": screening_id,
        "client_id": CLIENT,
        "episode_id": EPISODE,
        "session_number": None,
        "instrument": "phq9",
        "version": "1.0",
        "total": 15,
        "severity": None,
        "positive": True,
        "cutoff": 10,
        "flags": [],
        "source": "intake",
        "administered_at": None,
        "risk_urgency": None,
        "risk_source": None,
    }


def test_a_screening_that_arrives_before_its_episode_is_counted_towards_it_when_the_episode_arrives(deps):
    screening(deps, "phq9", 15, T0 + timedelta(minutes=5))
    assert deps.repos.measures.for_client(CLIENT)[0].episode_id is None
    open_episode(deps)
    assert [m.episode_id for m in deps.repos.measures.for_episode(EPISODE)] == [EPISODE]


def test_a_screening_from_before_an_episode_opened_stays_out_of_it(deps):
    screening(deps, "phq9", 15, T0 - timedelta(days=30))
    open_episode(deps)
    assert deps.repos.measures.for_episode(EPISODE) == []


def test_the_same_measure_delivered_again_is_recorded_and_announced_once(deps):
    open_episode(deps)
    screening(deps, "phq9", 10, T0)
    changes = session_measure(deps, 1, "phq9", 17)
    deliver(deps, "sessions.measure.recorded", T0 + timedelta(weeks=1), **changes)  # a second event, same data
    assert len(deps.repos.measures.for_episode(EPISODE)) == 2
    assert len(published(deps, "outcomes.score.recorded")) == 2
    assert len(published(deps, "outcomes.alert.raised")) == 1


def test_a_corrected_session_measure_replaces_the_first_and_is_announced_again(deps):
    open_episode(deps)
    session_measure(deps, 1, "phq9", 12)
    session_measure(deps, 1, "phq9", 14)
    [measure] = deps.repos.measures.for_episode(EPISODE)
    assert measure.total == 14
    assert [e["total"] for e in published(deps, "outcomes.score.recorded")] == [12, 14]


def test_an_attended_session_delivered_again_counts_once(deps):
    open_episode(deps)
    again = attend(deps, 1)
    deliver(deps, "sessions.session.attended", T0 + timedelta(weeks=1, hours=1), **again)
    attend(deps, 2)
    [course] = deps.repos.courses.for_client(CLIENT)
    assert course.attended_sessions == 2


def test_a_deterioration_in_a_session_alerts_the_episodes_clinician_once(deps):
    open_episode(deps)
    screening(deps, "phq9", 10, T0)
    for number, total in ((1, 15), (2, 16), (3, 19)):
        attend(deps, number)
        session_measure(deps, number, "phq9", total)
    [alert] = published(deps, "outcomes.alert.raised")
    named = ("client_id", "episode_id", "clinician_id", "kind", "instrument", "session_number")
    assert {name: alert[name] for name in named} == {
        "client_id": CLIENT,
        "episode_id": EPISODE,
        "clinician_id": CLINICIAN,
        "kind": "reliable_deterioration",
        "instrument": "phq9",
        "session_number": 2,
    }
    assert alert["rule_set"] == "nhs-talking-therapies+jacobson-truax/v1"


def test_events_carry_identifiers_and_scores_only(deps):
    deliver(deps, "intake.client.registered", T0)  # the example client is "Alex Example"
    open_episode(deps)
    screening(deps, "phq9", 10, T0, flags=())
    session_measure(deps, 1, "phq9", 17)
    stored_and_sent = repr(deps.memory.collections) + repr([e.to_bytes() for e in deps.memory.outbox])
    assert "Alex" not in stored_and_sent and "Example" not in stored_and_sent
    assert {e.subject for e in deps.memory.outbox} == {CLIENT}  # the Kafka key: the client id


def test_status_changes_follow_the_episode(deps):
    open_episode(deps)
    screening(deps, "phq9", 16, T0)
    screening(deps, "gad7", 12, T0)
    session_measure(deps, 1, "phq9", 4)
    session_measure(deps, 1, "gad7", 5)
    changes = [(e["status"], e["change"]) for e in published(deps, "outcomes.status.changed")]
    assert changes == [("response", "reached"), ("remission", "reached"), ("recovery", "reached")]


def test_item9_newly_positive_in_a_session_raises_its_alert(deps):
    open_episode(deps)
    screening(deps, "phq9", 12, T0)
    session_measure(deps, 1, "phq9", 12, flags=("suicidal_ideation",))
    [alert] = published(deps, "outcomes.alert.raised")
    assert (alert["kind"], alert["measure_id"]) == ("phq9_item9_positive", "session-1:phq9")


def test_measures_missed_three_sessions_in_a_row_raise_one_alert(deps):
    open_episode(deps)
    for number in range(1, 7):
        attend(deps, number)
    [alert] = published(deps, "outcomes.alert.raised")
    assert (alert["kind"], alert["session_number"], alert["clinician_id"]) == ("measures_missed", 3, CLINICIAN)


def test_off_track_by_session_6(deps):
    open_episode(deps)
    screening(deps, "phq9", 14, T0)
    for number in range(1, 7):
        attend(deps, number)
        session_measure(deps, number, "phq9", 13)
    kinds = [a["kind"] for a in published(deps, "outcomes.alert.raised")]
    assert kinds == ["off_track"]


def test_a_session_measure_for_an_episode_not_heard_of_yet_starts_following_it(deps):
    session_measure(deps, 1, "phq9", 12)
    course = deps.repos.courses.get(EPISODE)
    assert (course.client_id, course.clinician_id) == (CLIENT, CLINICIAN)


def test_settings_are_checked_at_start_up():
    assert bootstrap.alert_policy({"OFF_TRACK_SESSION": "8"}).off_track_session == 8
    with pytest.raises(ValueError, match="OFF_TRACK_SESSION"):
        bootstrap.alert_policy({"MEASURES_MISSED_IN_A_ROW": "0"})
    with pytest.raises(ValueError, match="OFF_TRACK_SESSION"):
        bootstrap.alert_policy({"OFF_TRACK_SESSION": "six"})
