"""The work queue puts open risk first (urgent before high), then referrals and due screenings."""

from __future__ import annotations

from datetime import timedelta

from services.intake.domain import work_queue
from services.intake.domain.client import Client
from services.intake.domain.consent import Consent
from tests.unit.domain.conftest import NOW, registration

TODAY = NOW.date()


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
    entries = [work_queue.entry_for(c, done.get(c.id, set()), TODAY) for c in (new, partly, high, urgent)]
    ordered = work_queue.ordered(entries)
    assert [e.client_id for e in ordered] == [urgent.id, high.id, partly.id, new.id]
    assert ordered[2].kind == work_queue.SCREENING_DUE and ordered[2].due == ("gad7",)
    assert ordered[3].kind == work_queue.NEW_REFERRAL


def test_a_client_with_every_baseline_done_waits_for_consent_then_admission():
    client = registered(0, program="substance_use")
    assert work_queue.entry_for(client, {"phq9"}, TODAY).due == ("audit", "dast10")
    ready = work_queue.entry_for(client, {"phq9", "audit", "dast10"}, TODAY)
    assert (ready.kind, ready.stage) == (work_queue.READY_FOR_CONSENT, "ready")
    client.record_consent(
        Consent.new(kind="treatment", signed_on=TODAY, signed_by="client", recorded_by="s", recorded_at=NOW)
    )
    assert work_queue.entry_for(client, {"phq9", "audit", "dast10"}, TODAY).kind == work_queue.READY_FOR_ADMISSION


def test_a_client_whose_flag_was_cleared_stays_on_the_queue_until_admitted():
    client = registered(0)
    flag = client.flag_risk("urgent", "s", NOW, None)
    assert work_queue.entry_for(client, {"phq9", "gad7"}, TODAY).kind == work_queue.RISK
    client.clear_risk(flag.id, "dr", "clinician", "assessed", NOW)
    assert work_queue.entry_for(client, {"phq9", "gad7"}, TODAY).kind == work_queue.READY_FOR_CONSENT


def test_each_kind_belongs_to_one_stage():
    kinds = [kind for kinds in work_queue.STAGES.values() for kind in kinds]
    assert sorted(kinds) == sorted(work_queue._RANK) and len(kinds) == len(set(kinds))
