"""Risk triage rules: which screenings raise a flag, how urgent, and who may clear it."""

from __future__ import annotations

import pytest

from services.intake.domain import events
from services.intake.domain.risk import risk_from_screening
from shared.errors import Conflict, Invalid
from shared.instruments import get_instrument
from tests.unit.domain.conftest import NOW


def phq9(item9: int, others: int = 0):
    return get_instrument("phq9").score([others] * 8 + [item9])


def cssrs(answers, recent=None):
    extras = {} if recent is None else {"q6_recent": recent}
    return get_instrument("cssrs_screen").score(answers, extras)


@pytest.mark.parametrize(
    "item9, expected",
    [(0, None), (1, ("high", "phq9_item9")), (2, ("urgent", "phq9_item9")), (3, ("urgent", "phq9_item9"))],
)
def test_phq9_item9_sets_the_urgency_whatever_the_total(item9, expected):
    assert risk_from_screening(phq9(item9)) == expected


def test_a_high_phq9_total_with_item9_zero_raises_no_flag():
    assert phq9(0, others=3).total == 24
    assert risk_from_screening(phq9(0, others=3)) is None


@pytest.mark.parametrize(
    "answers, recent, expected",
    [
        ([False, False, None, None, None, False], None, None),  # none
        ([True, False, None, None, None, False], None, None),  # low
        ([True, True, True, False, False, False], None, ("high", "cssrs")),  # moderate: Q3
        ([False, False, None, None, None, True], False, ("high", "cssrs")),  # moderate: old behaviour
        ([True, True, False, True, False, False], None, ("urgent", "cssrs")),  # high: Q4
        ([False, False, None, None, None, True], True, ("urgent", "cssrs")),  # high: recent behaviour
    ],
)
def test_cssrs_moderate_is_high_urgency_and_high_is_urgent(answers, recent, expected):
    assert risk_from_screening(cssrs(answers, recent)) == expected


def test_other_instruments_never_raise_a_flag():
    assert risk_from_screening(get_instrument("gad7").score([3] * 7)) is None


def test_a_reassuring_screening_never_clears_an_open_flag(client):
    client.screening_recorded("s1", phq9(2), "staff", NOW)
    client.screening_recorded("s2", phq9(0), "staff", NOW)
    assert len(client.open_risk_flags) == 1
    assert [type(event) for event in client.pending_events] == [events.RiskFlagged]


def test_each_positive_screening_raises_its_own_flag(client):
    first = client.screening_recorded("s1", phq9(1), "staff", NOW)
    second = client.screening_recorded("s2", cssrs([True, True, True, True, False, False]), "staff", NOW)
    assert (first.urgency, second.urgency) == ("high", "urgent")
    assert second.instrument == "cssrs_screen" and second.screening_id == "s2"


@pytest.mark.parametrize("role", ["clinician", "supervisor"])
def test_clinicians_and_supervisors_clear_flags_with_a_reason(client, role):
    flag = client.flag_risk("high", "staff", NOW, note=None)
    cleared = client.clear_risk(flag.id, "dr-1", role, "  assessed, safety plan agreed ", NOW)
    assert not cleared.is_open and cleared.clear_reason == "assessed, safety plan agreed"
    assert client.pending_events[-1] == events.RiskCleared(
        client_id=client.id, flag_id=flag.id, cleared_at=NOW, cleared_by="dr-1"
    )


@pytest.mark.parametrize("role", ["intake", "ops", "admin"])
def test_other_roles_cannot_clear_a_flag(client, role):
    flag = client.flag_risk("urgent", "staff", NOW, note=None)
    with pytest.raises(Invalid):
        client.clear_risk(flag.id, "x", role, "reason", NOW)
    assert flag.is_open


def test_clearing_needs_a_reason_and_happens_once(client):
    flag = client.flag_risk("urgent", "staff", NOW, note=None)
    with pytest.raises(Invalid) as missing:
        client.clear_risk(flag.id, "dr", "clinician", "   ", NOW)
    assert "reason" in missing.value.errors
    client.clear_risk(flag.id, "dr", "clinician", "ok", NOW)
    with pytest.raises(Conflict):
        client.clear_risk(flag.id, "dr", "clinician", "again", NOW)
