"""The work queue puts open risk first (urgent before high), then referrals and due screenings."""

from __future__ import annotations

from datetime import timedelta

from services.intake.domain import work_queue
from services.intake.domain.client import Client
from tests.unit.domain.conftest import NOW, registration


def registered(minutes: int, program: str = "mental_health") -> Client:
    return Client.register(registration(program=program), by="s", now=NOW + timedelta(minutes=minutes))


def test_order_is_risk_then_referrals_then_screenings_due():
    new = registered(0)
    partly = registered(1)
    high = registered(2)
    high.flag_risk("high", "s", NOW, None)
    urgent = registered(3)
    urgent.flag_risk("urgent", "s", NOW + timedelta(hours=1), None)
    done = {partly.id: {"phq9"}}
    entries = [work_queue.entry_for(c, done.get(c.id, set())) for c in (new, partly, high, urgent)]
    ordered = work_queue.ordered(entries)
    assert [e.client_id for e in ordered] == [urgent.id, high.id, partly.id, new.id]
    assert ordered[2].kind == work_queue.SCREENING_DUE and ordered[2].due == ("gad7",)
    assert ordered[3].kind == work_queue.NEW_REFERRAL


def test_a_client_with_every_baseline_done_leaves_the_queue():
    client = registered(0, program="substance_use")
    assert work_queue.entry_for(client, {"phq9", "audit", "dast10"}) is None
    assert work_queue.entry_for(client, {"phq9"}).due == ("audit", "dast10")
