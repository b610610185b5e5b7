"""Intake over HTTP on the running platform: screening, risk on Kafka, alert, admission."""

from __future__ import annotations

import uuid

import requests

from shared.envelope import parse_envelope
from shared.topics import events_topic
from tests.e2e.test_first_slice import new_client, register
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all


def post(stack, path: str, body: dict, role: str = "intake", sub: str = "test-user") -> requests.Response:
    return requests.post(f"{stack.url('intake')}/api/v1{path}", json=body, headers=stack.headers(role, sub), timeout=10)


def events_for(infra, client_id: str, expect: int) -> list:
    records = read_all(infra.kafka_bootstrap, events_topic("intake"), expect=10_000, timeout=3)
    return [parse_envelope(r.value) for r in records if r.key == client_id.encode()]


def test_phq9_item9_positive_publishes_risk_flagged(stack, infra):
    client = register(stack, new_client())
    response = post(
        stack,
        f"/clients/{client['id']}/screenings",
        {"instrument": "phq9", "answers": [1, 1, 1, 0, 0, 1, 0, 0, 2], "difficulty": 1},
    )
    assert response.status_code == 201, response.text
    screening = response.json()
    assert screening["total"] == 6 and screening["severity"] == "mild"
    assert screening["risk_flag"]["urgency"] == "urgent"

    def flagged():
        found = [e for e in events_for(infra, client["id"], 3) if e.type == "intake.risk.flagged"]
        return found or None

    event = wait_for(flagged, 30, "intake.risk.flagged on Kafka")[0]
    assert event.subject == client["id"]
    assert event.data["urgency"] == "urgent" and event.data["source"] == "phq9_item9"
    assert event.data["screening_id"] == screening["id"]
    assert "answers" not in event.data and "note" not in event.data


def test_a_risk_flag_becomes_a_staff_alert_that_clears_with_the_flag(stack):
    tag = uuid.uuid4().hex[:6]
    on_call = {"clinician": f"oc-{tag}", "supervisor": f"sup-{tag}", "clinical_lead": f"lead-{tag}"}
    rota = requests.put(
        f"{stack.url('notifications')}/api/v1/on-call", json=on_call, headers=stack.headers("supervisor"), timeout=10
    )
    assert rota.status_code == 200, rota.text
    client = register(stack, new_client())
    flag = post(
        stack,
        f"/clients/{client['id']}/screenings",
        {"instrument": "cssrs_screen", "answers": [True, True, True, False, False, False]},
    ).json()["risk_flag"]
    assert flag["urgency"] == "high"  # C-SSRS moderate
    alerts_url = f"{stack.url('notifications')}/api/v1/alerts"

    def alert_for_flag():
        # A supervisor sees the alerts of clients nobody treats yet (this one); a clinician only those that
        # reached them or their own clients'.
        alerts = requests.get(alerts_url, headers=stack.headers("supervisor"), timeout=5).json()
        return next((a for a in alerts if a["flag_id"] == flag["id"]), None)

    alert = wait_for(alert_for_flag, 30, "the clinical alert")
    assert alert["status"] == "open" and alert["audience"] == "on_call_clinician"
    assert alert["recipient_id"] == on_call["clinician"]
    # Another clinician does not even learn the client exists; the on-call clinician the alert
    # reached may review the client and clear the flag, once intake hears whom it reached.
    clear = f"/clients/{client['id']}/risk-flags/{flag['id']}/clear"
    reason = {"reason": "Assessed in person; safety plan in place."}
    assert post(stack, clear, reason, role="clinician", sub=f"dr-other-{tag}").status_code == 404

    def cleared_by_the_on_call_clinician():
        response = post(stack, clear, reason, role="clinician", sub=on_call["clinician"])
        return response if response.status_code != 404 else None

    cleared = wait_for(cleared_by_the_on_call_clinician, 30, "intake to open the client to the on-call clinician")
    assert cleared.status_code == 200 and cleared.json()["open"] is False
    wait_for(lambda: alert_for_flag() is None, 30, "the alert to resolve")


def test_item9_zero_later_does_not_clear_the_flag(stack):
    client = register(stack, new_client())
    worrying = post(stack, f"/clients/{client['id']}/screenings", {"instrument": "phq9", "answers": [0] * 8 + [1]})
    reassuring = post(stack, f"/clients/{client['id']}/screenings", {"instrument": "phq9", "answers": [0] * 9})
    assert (worrying.status_code, reassuring.status_code) == (201, 201)
    assert worrying.json()["risk_flag"] is not None and reassuring.json()["risk_flag"] is None
    record = requests.get(
        f"{stack.url('intake')}/api/v1/clients/{client['id']}", headers=stack.headers("intake"), timeout=5
    ).json()
    assert record["open_risk_flags"] == 1


def test_intake_staff_cannot_clear_a_flag(stack):
    client = register(stack, new_client())
    flag = post(stack, f"/clients/{client['id']}/risk-flags", {"urgency": "high"}).json()
    response = post(stack, f"/clients/{client['id']}/risk-flags/{flag['id']}/clear", {"reason": "fine"})
    assert response.status_code == 403


def test_admission_activates_the_episode(stack):
    body = new_client() | {"treatment_consent": {"signed_on": "2026-11-20"}}
    client = register(stack, body)
    areas = {"primary": {"area": "role_transition"}, "secondary": {"area": "grief"}}
    assessment = {
        "relationships": [
            {"person": "partner", "relationship": "spouse", "closeness": 3, "conflictual": "arguments about money"}
        ],
        "life_events": [{"description": "lost job", "when": "2026-09-01"}],
        "problem_areas": areas,
    }
    put = requests.put(
        f"{stack.url('intake')}/api/v1/clients/{client['id']}/assessment",
        json=assessment,
        headers=stack.headers("intake"),
        timeout=10,
    )
    assert put.status_code == 200, put.text
    admitted = post(
        stack,
        f"/clients/{client['id']}/admission",
        {
            "track": "group",
            "problem_areas": areas,
            "preferred_days": ["tuesday"],
            "preferred_times": ["evening"],
            "override": {"confirmed": True, "reason": "Baseline screenings at the first group session"},
        },
    )
    assert admitted.status_code == 201 and admitted.json()["status"] == "admitted"

    def active_episode():
        episodes = requests.get(
            f"{stack.url('sessions')}/api/v1/episodes",
            params={"client_id": client["id"]},
            headers=stack.headers("admin"),
            timeout=5,
        ).json()
        return next((e for e in episodes if e["status"] == "active"), None)

    episode = wait_for(active_episode, 30, "the episode to become active")
    assert episode["admission"]["track"] == "group"
    assert episode["admission"]["primary_problem_area"]["area"] == "role_transition"


def test_duplicate_registration_needs_an_explicit_override(stack):
    body = new_client(uuid.uuid4().hex[:6])
    register(stack, body)
    again = post(stack, "/clients", body)
    assert again.status_code == 409 and len(again.json()["duplicates"]) == 1
    assert post(stack, "/clients", body | {"allow_duplicate": True}).status_code == 201


def test_screening_scores_reach_outcomes(stack):
    client = register(stack, new_client())
    post(stack, f"/clients/{client['id']}/screenings", {"instrument": "gad7", "answers": [2, 2, 2, 1, 1, 1, 1]})
    url = f"{stack.url('outcomes')}/api/v1/clients/{client['id']}/measures"

    def recorded():
        # Nobody treats the client yet: a supervisor sees them (a clinician sees only their caseload).
        # Until outcomes hears of the client it answers 404.
        response = requests.get(url, headers=stack.headers("supervisor"), timeout=5)
        return response.json() if response.ok else None

    measures = wait_for(
        recorded,
        30,
        "outcomes to record the measure",
    )
    assert [(m["instrument"], m["total"], m["severity"]) for m in measures] == [("gad7", 10, "moderate")]
