"""Intake use cases with in-memory adapters: what is stored and published together."""

from __future__ import annotations

import pytest

from services.intake import handlers
from services.intake.bootstrap import fake_dependencies
from services.intake.domain.access import Viewer
from shared.errors import Conflict
from shared.instruments import InvalidAnswers
from tests.unit.domain.conftest import NOW, registration


@pytest.fixture
def deps():
    return fake_dependencies()


@pytest.fixture
def repos(deps):
    return deps.repos


def new_uow(repos):
    """A unit of work on the same in-memory database as `repos`."""
    return repos.clients.documents.memory.unit_of_work("intake")()


def register(repos, **changes):
    uow = new_uow(repos)
    client = handlers.register_client(registration(**changes), "staff", NOW, uow, repos)
    return client, uow


def test_item9_screening_stores_the_flag_and_publishes_both_events_in_one_commit(repos):
    client, _ = register(repos)
    uow = new_uow(repos)
    screening, flag = handlers.administer_screening(client.id, "phq9", [0] * 8 + [1], {}, "staff", NOW, uow, repos)
    assert uow.committed and flag.urgency == "high"
    assert [e.type for e in uow.events] == ["intake.screening.completed", "intake.risk.flagged"]
    assert uow.events[1].data["screening_id"] == screening.id
    assert repos.clients.get(client.id).open_risk_flags[0].id == flag.id


def test_invalid_answers_store_nothing(repos):
    client, _ = register(repos)
    uow = new_uow(repos)
    with pytest.raises(InvalidAnswers) as invalid:
        handlers.administer_screening(client.id, "gad7", [0, 1, 9], {}, "staff", NOW, uow, repos)
    assert {"answers.3", "answers.4", "answers.7"} <= set(invalid.value.errors)
    assert not uow.committed and repos.screenings.for_client(client.id) == []


def test_auditc_uses_the_registered_sex_for_its_cutoff(repos):
    male, _ = register(repos, sex_at_birth="male")
    female, _ = register(repos, sex_at_birth="female", given_name="Ana")
    for client, expected_cutoff, positive in ((male, 4, False), (female, 3, True)):
        screening, _ = handlers.administer_screening(
            client.id, "auditc", [1, 1, 1], {}, "s", NOW, new_uow(repos), repos
        )
        assert screening.details["cutoff"] == expected_cutoff and screening.positive is positive


def test_possible_duplicates_need_an_override(repos):
    first, _ = register(repos)
    with pytest.raises(handlers.PossibleDuplicate) as duplicate:
        register(repos, given_name="SAM ")
    assert [c.id for c in duplicate.value.candidates] == [first.id]
    uow = new_uow(repos)
    handlers.register_client(registration(), "staff", NOW, uow, repos, allow_duplicate=True)
    assert uow.committed


def test_a_stale_write_is_a_conflict(repos):
    client, _ = register(repos)
    stale = repos.clients.get(client.id)
    handlers.flag_risk(client.id, "high", None, "s", NOW, new_uow(repos), repos)
    stale.flag_risk("high", "s", NOW, None)
    uow = new_uow(repos)
    repos.clients.save(stale, uow)
    with pytest.raises(Conflict):
        uow.commit()


def test_cutoff_settings_are_checked_and_applied(repos):
    from services.intake.bootstrap import screening_cutoffs

    assert screening_cutoffs({"SCREENING_CUTOFFS": "phq2=2, pcl5=31"}) == {"phq2": 2, "pcl5": 31}
    with pytest.raises(ValueError):
        screening_cutoffs({"SCREENING_CUTOFFS": "phq9=12"})  # PHQ-9's cut-off is not a setting
    client, _ = register(repos)
    screening, _ = handlers.administer_screening(
        client.id, "phq2", [1, 1], {}, "s", NOW, new_uow(repos), repos, cutoffs={"phq2": 2}
    )
    assert screening.positive and screening.details["cutoff"] == 2


def test_multi_word_names_are_found_by_any_word(repos):
    client, _ = register(repos, given_name="Mary Ann", family_name="Smith")
    for query in ("mary ann smith", "ann", "smi ma"):
        found, total = handlers.search_clients(query, Viewer("sup", "supervisor"), repos)
        assert ([c.id for c in found], total) == ([client.id], 1), query


def test_a_resent_registration_returns_the_first_client(repos):
    first = handlers.register_client(registration(), "s", NOW, new_uow(repos), repos, request_key="k-123456")
    again_uow = new_uow(repos)
    again = handlers.register_client(registration(), "s", NOW, again_uow, repos, request_key="k-123456")
    assert (
        again.id == first.id
        and again_uow.events == []
        and len(repos.clients.documents.memory.collection("clients")) == 1
    )


def test_two_copies_of_one_request_at_once_store_one_client(repos, monkeypatch):
    first = handlers.register_client(registration(), "s", NOW, new_uow(repos), repos, request_key="k-654321")
    looked_up = []
    real_lookup = repos.requests.result_of

    def lookup_before_the_other_commit(operation, key):
        looked_up.append(key)
        return None if len(looked_up) == 1 else real_lookup(operation, key)

    monkeypatch.setattr(repos.requests, "result_of", lookup_before_the_other_commit)
    second = handlers.register_client(
        registration(), "s", NOW, new_uow(repos), repos, request_key="k-654321", allow_duplicate=True
    )
    assert second.id == first.id and list(repos.clients.documents.memory.collection("clients")) == [first.id]


def test_a_session_measure_showing_risk_raises_one_flag_however_often_it_is_published(deps, repos):
    from datetime import timedelta

    from shared.contracts import contract_for, read_incoming
    from shared.envelope import Envelope

    client, _ = register(repos)
    data = dict(contract_for("sessions.measure.recorded", 1).example, client_id=client.id)
    for _ in range(2):  # a corrected session record publishes the measure again
        event = Envelope(
            type="sessions.measure.recorded",
            version=1,
            source="sessions",
            subject=client.id,
            data=data,
            time=NOW + timedelta(minutes=5),
        )
        handlers.flag_risk_from_session_measure(event, read_incoming(event.type, 1, data), new_uow(repos), repos)
    [flag] = repos.clients.get(client.id).open_risk_flags
    assert (flag.urgency, flag.source, flag.measure_id, flag.raised_by) == (
        "high",
        "phq9_item9",
        data["measure_id"],
        "dr-rivera",
    )


def test_a_measure_scored_by_outcomes_showing_risk_raises_the_flag_but_sessions_measures_come_from_sessions(
    deps, repos
):
    from datetime import timedelta

    from shared.contracts import contract_for, read_incoming
    from shared.envelope import Envelope

    client, _ = register(repos)
    example = contract_for("outcomes.score.recorded", 1).example
    risky = dict(example, client_id=client.id, risk_urgency="urgent", risk_source="phq9_item9")

    def deliver(data: dict) -> None:
        event = Envelope(
            type="outcomes.score.recorded",
            version=1,
            source="outcomes",
            subject=client.id,
            data=data,
            time=NOW + timedelta(minutes=5),
        )
        handlers.flag_risk_from_outcomes_measure(event, read_incoming(event.type, 1, data), new_uow(repos), repos)

    deliver(dict(risky, source="session"))  # sessions' own measure: intake hears of it from sessions
    assert repos.clients.get(client.id).open_risk_flags == []
    for _ in range(2):  # redelivered: one flag
        deliver(dict(risky, source="self_report", measure_id="offer-1:phq9"))
    [flag] = repos.clients.get(client.id).open_risk_flags
    assert (flag.urgency, flag.source, flag.measure_id, flag.raised_by) == (
        "urgent",
        "phq9_item9",
        "offer-1:phq9",
        "client self-report",
    )
