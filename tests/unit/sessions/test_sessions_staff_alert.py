"""The workspace's copy of a risk alert only moves forward, whatever order its events arrive in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.sessions.domain.staff_alert import StaffAlert

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def alert() -> StaffAlert:
    return StaffAlert("a-1", "c-1", "urgent", "open", 0, T0, T0, ["dr-a"])


def test_an_acknowledgement_stamped_before_an_escalation_still_closes_it():
    found = alert()
    found.heard("open", 1, "sup-1", T0 + timedelta(minutes=15))  # escalated while the clinician clicked
    found.heard("acknowledged", 1, "sup-1", T0 + timedelta(minutes=14))  # stamped with the click
    assert (found.status, found.escalation_level, found.recipients) == ("acknowledged", 1, ["dr-a", "sup-1"])


def test_a_late_escalation_cannot_reopen_or_lower_it():
    found = alert()
    found.heard("resolved", 2, None, T0 + timedelta(minutes=30))
    found.heard("open", 1, "sup-1", T0 + timedelta(minutes=15))
    assert (found.status, found.escalation_level) == ("resolved", 2)


def test_taking_it_on_is_passed_on_once_and_not_once_closed():
    found = alert()
    assert found.acknowledge("dr-a", T0) is True and found.acknowledge("dr-a", T0) is False
    assert [event.TYPE for event in found.pending_events] == ["sessions.alert.acknowledged"]
    closed = alert()
    closed.heard("resolved", 0, None, T0)
    assert closed.acknowledge("dr-a", T0) is False
