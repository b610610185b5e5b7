"""Notifications on the running platform: risk alerts reach a person by e-mail (the SMTP sink's
Maildir) and escalate; reminders follow sessions' bookings; an SMS outage delays but never loses or
duplicates a reminder (the SMS stand-in)."""

from __future__ import annotations

import json
import mailbox
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from shared.envelope import Envelope
from shared.topics import events_topic
from tests.e2e.test_first_slice import new_client, register
from tests.e2e.test_intake_workflow import post
from tests.e2e.test_sessions_course import active_episode, admitted_client, new_clinician, sessions_api
from tests.support.infra import wait_for
from tests.support.kafka_tools import send_events

ALERT_EMAIL_SECONDS = 10  # "within a few seconds" on the loaded 2-core reference machine


def notifications_api(stack, method: str, path: str, role: str = "supervisor", sub: str = "sup-e2e", **kwargs):
    return requests.request(
        method, f"{stack.url('notifications')}/api/v1{path}", headers=stack.headers(role, sub), timeout=10, **kwargs
    )


@pytest.fixture(scope="module")
def rota(stack) -> dict[str, str]:
    """An on-call rota whose three people have alert e-mail addresses."""
    tag = secrets.token_hex(3)
    people = {"clinician": f"oc-{tag}", "supervisor": f"sup-{tag}", "clinical_lead": f"lead-{tag}"}
    assert notifications_api(stack, "PUT", "/on-call", json=people).status_code == 200
    for person in people.values():
        put = notifications_api(
            stack, "PUT", f"/staff/{person}", role="admin", json={"email": f"{person}@staff.example.org"}
        )
        assert put.status_code == 200, put.text
    return people


def mails_to(stack, address: str) -> list:
    return [m for m in mailbox.Maildir(stack.mail_dir, create=False) if m["To"] == address]


def body(mail) -> str:
    return mail.get_payload(decode=True).decode()


def urgent_flag(stack) -> tuple[dict, dict]:
    client = register(stack, new_client())
    screening = post(
        stack,
        f"/clients/{client['id']}/screenings",
        {"instrument": "phq9", "answers": [1, 1, 1, 1, 0, 1, 0, 0, 2], "difficulty": 1},
    )
    assert screening.status_code == 201, screening.text
    return client, screening.json()["risk_flag"]


def alert_for(stack, flag: dict) -> dict | None:
    alerts = notifications_api(stack, "GET", "/alerts", params={"status": "open"}).json()
    return next((a for a in alerts if a["flag_id"] == flag["id"]), None)


def test_an_item9_positive_phq9_gives_an_open_urgent_alert_and_an_email_within_seconds(stack, rota):
    client, flag = urgent_flag(stack)
    flagged_at = time.monotonic()
    alert = wait_for(lambda: alert_for(stack, flag), 30, "the open alert")
    assert (alert["urgency"], alert["status"], alert["recipient_id"]) == ("urgent", "open", rota["clinician"])
    address = f"{rota['clinician']}@staff.example.org"
    [mail] = wait_for(lambda: [m for m in mails_to(stack, address) if alert["id"] in body(m)], 30, "the alert e-mail")
    assert time.monotonic() - flagged_at < ALERT_EMAIL_SECONDS
    text = f"{mail['Subject']}\n{body(mail)}"
    assert "Urgent alert" in text and f"/ui/alerts/{alert['id']}" in text
    for detail in (client["id"], client["given_name"], client["family_name"], "PHQ", "phq9", "co_occurring"):
        assert detail not in text
    inbox = notifications_api(
        stack, "GET", "/notifications", role="clinician", sub=rota["clinician"], params={"type": "risk_alert"}
    )
    mine = [n for n in inbox.json() if n["alert_id"] == alert["id"]]
    assert {(n["channel"], n["status"]) for n in mine} == {("in_app", "delivered"), ("email", "sent")}


def test_an_unacknowledged_urgent_alert_escalates_and_sends_again(stack, rota):
    _client, flag = urgent_flag(stack)
    alert = wait_for(lambda: alert_for(stack, flag), 30, "the open alert")
    escalated = wait_for(
        lambda: (found := alert_for(stack, flag)) and found["escalation_level"] >= 1 and found, 60, "the escalation"
    )
    assert escalated["audience"] == "supervisor" and rota["supervisor"] in escalated["notified"]
    address = f"{rota['supervisor']}@staff.example.org"
    [mail] = wait_for(
        lambda: [m for m in mails_to(stack, address) if alert["id"] in body(m)][:1], 30, "a second e-mail"
    )
    assert "Nobody acknowledged it in time" in body(mail)
    done = notifications_api(stack, "POST", f"/alerts/{alert['id']}/acknowledge", sub=rota["supervisor"])
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"


def reminders(stack, client_id: str, status: str = "scheduled") -> list[dict]:
    params = {"client_id": client_id, "type": "appointment_reminder", "status": status}
    response = notifications_api(stack, "GET", "/notifications", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_sessions_reminders_are_listed_moved_with_it_and_withdrawn_when_cancelled(stack):
    client_id = admitted_client(stack)
    episode = active_episode(stack, client_id)
    clinician = new_clinician(stack, "Dr Reminder")
    # As admin: an earlier test's clinician with room may have been given the client on admission,
    # and a supervisor outside that clinician's team may not see the episode.
    assigned = sessions_api(stack, "PATCH", f"/episodes/{episode['id']}", json={"clinician_id": clinician})
    assert assigned.status_code == 200, assigned.text
    # 18:00 UTC is early afternoon in the centre's zone: neither reminder falls in quiet hours.
    start = (datetime.now(UTC) + timedelta(days=5)).replace(hour=18, minute=0, second=0, microsecond=0)
    series = {
        "start": start.isoformat(),
        "duration_minutes": 50,
        "count": 1,
        "frequency": "weekly",
        "modality": "in_person",
    }
    booked = sessions_api(stack, "POST", f"/episodes/{episode['id']}/sessions", json=series)
    assert booked.status_code == 201, booked.text
    [session] = booked.json()["sessions"]

    def at(*moments: datetime):
        expected = [m.isoformat() for m in moments]
        return lambda: [r["send_at"] for r in reminders(stack, client_id)] == expected

    wait_for(at(start - timedelta(hours=24), start - timedelta(hours=2)), 30, "reminders 24 h and 2 h before")
    [first, _] = reminders(stack, client_id)
    assert first["channel"] == "sms" and first["status"] == "scheduled" and first["sent_at"] is None
    assert "co_occurring" not in first["body"] and "Robin" in first["body"]

    moved = start + timedelta(days=1)
    response = sessions_api(stack, "PATCH", f"/sessions/{session['id']}", json={"start": moved.isoformat()})
    assert response.status_code == 200, response.text
    wait_for(at(moved - timedelta(hours=24), moved - timedelta(hours=2)), 30, "the reminders to move")

    cancel = {"status": "cancelled", "cancelled_by": "clinic"}
    assert sessions_api(stack, "PATCH", f"/sessions/{session['id']}", json=cancel).status_code == 200
    wait_for(lambda: reminders(stack, client_id) == [], 30, "the reminders to be withdrawn")
    assert len(reminders(stack, client_id, "withdrawn")) == 4


def stored_texts(stack, phone: str) -> list[dict]:
    found = [json.loads(path.read_text()) for path in stack.sms_dir.glob("SM*.json")]
    return [message for message in found if message["to"] == phone]


def test_an_sms_outage_delays_a_reminder_but_never_loses_or_duplicates_it(stack, infra):
    phone = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    client = register(stack, new_client() | {"contact": {"phone": phone}, "preferred_channel": "sms"})
    wait_for(lambda: notifications_api(stack, "GET", f"/clients/{client['id']}/preferences").ok, 30, "the recipient")
    quiet_free = {"channel": "sms", "opted_out": False, "quiet_hours": None}  # whatever the hour of the run
    assert notifications_api(stack, "PUT", f"/clients/{client['id']}/preferences", json=quiet_free).status_code == 200
    assert requests.put(f"{stack.sms_url}/_standin/outage", json={"status": 503}, timeout=5).ok
    try:
        start = datetime.now(UTC) + timedelta(hours=2, seconds=3)  # the 2-hour reminder is due in 3 seconds
        data = {
            "session_id": str(uuid.uuid4()),
            "episode_id": str(uuid.uuid4()),
            "client_id": client["id"],
            "clinician_id": "dr-outage",
            "number": 1,
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=50)).isoformat(),
            "modality": "video",
        }
        event = Envelope(
            type="sessions.session.scheduled", version=1, source="sessions", subject=client["id"], data=data
        )
        send_events(infra.kafka_bootstrap, events_topic("sessions"), [event])

        def retrying():
            [reminder] = reminders(stack, client["id"]) or [None]
            return reminder if reminder and reminder["attempts"] >= 2 else None

        waiting = wait_for(retrying, 60, "the reminder to be retried through the outage")
        assert waiting["reason"] == "sms_http_503" and stored_texts(stack, phone) == []
    finally:
        requests.delete(f"{stack.sms_url}/_standin/outage", timeout=5)
    wait_for(lambda: reminders(stack, client["id"], "sent"), 60, "the reminder to go once the provider is back")
    time.sleep(3)  # any second send would have happened by now
    [sent] = reminders(stack, client["id"], "sent")
    # The booking also brings the client a self-report link (outcomes offers one per session): a text of its own.
    [text] = [t for t in stored_texts(stack, phone) if t["idempotency_token"] == sent["id"]]
    assert text["body"].startswith("Hi Robin") and "by video" in text["body"]
    repeats = stack.sms_dir / "repeats.jsonl"
    assert not repeats.exists() or text["idempotency_token"] not in repeats.read_text()
    assert sent["attempts"] >= 3
