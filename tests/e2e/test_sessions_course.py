"""The IPT course over HTTP on the running platform: admission → assignment → a booked course →
attendance moving the phase, with every step on Kafka."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import requests

from shared.envelope import parse_envelope
from shared.topics import events_topic
from tests.e2e.test_first_slice import new_client, register
from tests.e2e.test_intake_workflow import post
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all

EVERY_DAY = {
    day: [["00:00", "23:59"]] for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def sessions_api(stack, method: str, path: str, role: str = "admin", sub: str = "test-user", **kwargs):
    return requests.request(
        method, f"{stack.url('sessions')}/api/v1{path}", headers=stack.headers(role, sub), timeout=10, **kwargs
    )


def admitted_client(stack) -> str:
    client = register(stack, new_client() | {"treatment_consent": {"signed_on": "2026-11-20"}})
    admission = {
        "track": "individual",
        "problem_areas": {"primary": {"area": "grief"}},
        "override": {"confirmed": True, "reason": "Screenings at session 1"},
    }
    assert post(stack, f"/clients/{client['id']}/admission", admission).status_code == 201
    return str(client["id"])


def active_episode(stack, client_id: str) -> dict:
    def found():
        episodes = sessions_api(stack, "GET", "/episodes", params={"client_id": client_id}).json()
        return next((e for e in episodes if e["status"] == "active"), None)

    return wait_for(found, 30, "the episode to become active")


def new_clinician(stack, name: str, prefix: str = "dr", **changes) -> str:
    """A clinician profile in sessions (co-occurring program, every hour of every day, UTC): its id."""
    clinician = f"{prefix}-{secrets.token_hex(3)}"
    profile = {
        "id": clinician,
        "name": name,
        "email": f"{clinician}@example.org",
        "time_zone": "UTC",
        "working_hours": EVERY_DAY,
        "caseload_limit": 10,
        "programs": ["co_occurring"],
        "supervisor": "sup-e2e",
    }
    response = sessions_api(stack, "POST", "/clinicians", json=profile | changes)
    assert response.status_code == 201, response.text
    return clinician


def test_a_course_from_assignment_to_termination(stack, infra):
    client_id, other_client = admitted_client(stack), admitted_client(stack)
    episode, other = active_episode(stack, client_id), active_episode(stack, other_client)
    clinician = new_clinician(stack, "Dr Course")
    # Admin assigns the clients: an earlier test's clinician (the clinic simulator's, say) may have
    # been given them on admission, outside the supervisor's team.
    for episode_id in (episode["id"], other["id"]):
        assignment = {"clinician_id": clinician}
        assigned = sessions_api(stack, "PATCH", f"/episodes/{episode_id}", role="admin", json=assignment)
        assert assigned.status_code == 200, assigned.text

    start = (datetime.now(UTC) - timedelta(days=85)).replace(hour=9, minute=0, second=0, microsecond=0)
    series = {
        "start": start.isoformat(),
        "duration_minutes": 50,
        "count": 12,
        "frequency": "weekly",
        "modality": "in_person",
    }
    booked = sessions_api(stack, "POST", f"/episodes/{episode['id']}/sessions", json=series)
    assert booked.status_code == 201, booked.text
    sessions = booked.json()["sessions"]
    assert len(sessions) == 12
    clash = sessions_api(stack, "POST", f"/episodes/{other['id']}/sessions", json=series | {"count": 1})
    assert clash.status_code == 409 and clash.json()["conflicts"][0]["reason"] == "clinician_double_booked"

    mine = {"role": "clinician", "sub": clinician}
    for session in sessions[:10]:
        assert (
            sessions_api(stack, "PATCH", f"/sessions/{session['id']}", json={"status": "attended"}, **mine).status_code
            == 200
        )
    course = sessions_api(stack, "GET", f"/episodes/{episode['id']}", **mine).json()
    assert (course["attended_sessions"], course["phase"], course["clinician_id"]) == (10, "termination", clinician)

    def course_events():
        records = read_all(infra.kafka_bootstrap, events_topic("sessions"), expect=100_000, timeout=3)
        events = [parse_envelope(r.value) for r in records if r.key == client_id.encode()]
        phases = [e.data["phase"] for e in events if e.type == "sessions.episode.phase_changed"]
        return events if phases == ["middle", "termination"] else None

    events = wait_for(course_events, 30, "the course's events on Kafka")
    types = [e.type for e in events]
    assert "sessions.episode.assigned" in types and types.count("sessions.session.scheduled") == 12
    assert types.count("sessions.session.attended") == 10


def test_a_measure_in_a_session_reaches_outcomes_and_raises_the_risk_flag(stack):
    client_id = admitted_client(stack)
    episode = active_episode(stack, client_id)
    clinician = f"dr-{secrets.token_hex(3)}"
    profile = {
        "id": clinician,
        "name": "Dr Measure",
        "email": f"{clinician}@example.org",
        "time_zone": "UTC",
        "working_hours": EVERY_DAY,
        "caseload_limit": 10,
        "programs": ["co_occurring"],
    }
    assert sessions_api(stack, "POST", "/clinicians", json=profile).status_code == 201
    assert sessions_api(stack, "PATCH", f"/episodes/{episode['id']}", json={"clinician_id": clinician}).ok
    start = (datetime.now(UTC) - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    series = {"start": start.isoformat(), "count": 1, "modality": "video"}
    [session] = sessions_api(stack, "POST", f"/episodes/{episode['id']}/sessions", json=series).json()["sessions"]
    mine = {"role": "clinician", "sub": clinician}
    assert sessions_api(stack, "PATCH", f"/sessions/{session['id']}", json={"status": "attended"}, **mine).ok
    record = {
        "phase": "initial",
        "focus": "grief",
        "risk_review": "Passive thoughts; safety plan reviewed",
        "measures": [{"instrument": "phq9", "answers": [2, 2, 1, 1, 1, 0, 0, 0, 2], "extras": {"difficulty": 2}}],
    }
    documented = sessions_api(stack, "PUT", f"/sessions/{session['id']}/record", json=record, **mine)
    assert documented.status_code == 200, documented.text

    def in_outcomes():
        response = requests.get(
            f"{stack.url('outcomes')}/api/v1/clients/{client_id}/measures",
            headers=stack.headers("clinician", clinician),  # their client, once outcomes learns the assignment
            timeout=5,
        )
        measures = response.json() if response.ok else []
        return [m for m in measures if m["screening_id"] == f"{session['id']}:phq9"] or None

    [measure] = wait_for(in_outcomes, 30, "the session's PHQ-9 in outcomes")
    assert (measure["total"], measure["severity"]) == (9, "mild")

    def flagged():
        # Their client in intake too, once intake learns the assignment (404 until then).
        url = f"{stack.url('intake')}/api/v1/clients/{client_id}"
        response = requests.get(url, headers=stack.headers("clinician", clinician), timeout=5)
        return ([f for f in response.json()["risk_flags"] if f["open"]] or None) if response.ok else None

    [flag] = wait_for(flagged, 30, "intake to raise the flag from the session measure")
    assert (flag["urgency"], flag["source"], flag["raised_by"]) == ("urgent", "phq9_item9", clinician)
