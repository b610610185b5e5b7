"""Measurement-based care on the running platform: PHQ-9 and GAD-7 from intake's screenings and
sessions' records become outcomes under the NHS Talking Therapies rules, and a reliable
deterioration raises `outcomes.alert.raised` on Kafka for the client's clinician."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import requests

from shared.envelope import parse_envelope
from shared.topics import events_topic
from tests.e2e.test_intake_workflow import post
from tests.e2e.test_sessions_course import EVERY_DAY, active_episode, admitted_client, sessions_api
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all

RULE_SET = "nhs-talking-therapies+jacobson-truax/v1"


def outcomes_api(stack, method: str, path: str, role: str, sub: str, **kwargs) -> requests.Response:
    return requests.request(
        method, f"{stack.url('outcomes')}/api/v1{path}", headers=stack.headers(role, sub), timeout=10, **kwargs
    )


def screen(stack, client_id: str, instrument: str, answers: list[int], **extras) -> dict:
    # After admission the record is the clinical team's: intake staff no longer open it, and which
    # supervisor's team it is depends on the clinician admission found (an earlier test's, perhaps).
    body = {"instrument": instrument, "answers": answers, **extras}
    response = post(stack, f"/clients/{client_id}/screenings", body, role="admin")
    assert response.status_code == 201, response.text
    return response.json()


def treated_by_new_clinician(stack, client_id: str) -> tuple[str, str]:
    """The client's active episode, assigned to a new clinician: (episode id, clinician id)."""
    episode = active_episode(stack, client_id)
    clinician = f"dr-{secrets.token_hex(3)}"
    profile = {
        "id": clinician,
        "name": "Dr Outcomes",
        "email": f"{clinician}@example.org",
        "time_zone": "UTC",
        "working_hours": EVERY_DAY,
        # Full with this one client: no later admission (another test's) is assigned to them on its own.
        "caseload_limit": 1,
        "programs": ["co_occurring"],
    }
    assert sessions_api(stack, "POST", "/clinicians", json=profile).status_code == 201
    assert sessions_api(stack, "PATCH", f"/episodes/{episode['id']}", json={"clinician_id": clinician}).ok
    return episode["id"], clinician


def book(stack, episode_id: str, start: datetime, count: int) -> list[dict]:
    series = {"start": start.isoformat(), "count": count, "frequency": "weekly", "modality": "video"}
    booked = sessions_api(stack, "POST", f"/episodes/{episode_id}/sessions", json=series)
    assert booked.status_code == 201, booked.text
    return booked.json()["sessions"]


def attend_and_document(stack, session: dict, clinician: str, measures: list[dict] | None = None) -> None:
    mine = {"role": "clinician", "sub": clinician}
    assert sessions_api(stack, "PATCH", f"/sessions/{session['id']}", json={"status": "attended"}, **mine).ok
    if measures is not None:
        record = {"phase": "initial", "focus": "grief", "risk_review": "Reviewed", "measures": measures}
        documented = sessions_api(stack, "PUT", f"/sessions/{session['id']}/record", json=record, **mine)
        assert documented.status_code == 200, documented.text


def test_intake_screenings_and_session_measures_make_a_reliable_recovery(stack):
    client_id = admitted_client(stack)
    phq9 = screen(stack, client_id, "phq9", [2, 2, 2, 2, 2, 2, 2, 2, 0], difficulty=2)  # 16
    gad7 = screen(stack, client_id, "gad7", [2, 2, 2, 2, 2, 1, 1])  # 12
    assert (phq9["total"], gad7["total"]) == (16, 12)
    episode_id, clinician = treated_by_new_clinician(stack, client_id)
    start = (datetime.now(UTC) - timedelta(days=20)).replace(hour=9, minute=0, second=0, microsecond=0)
    first, second, _third = book(stack, episode_id, start, 3)
    attend_and_document(stack, first, clinician)
    attend_and_document(
        stack,
        second,
        clinician,
        [
            {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 0, 0, 0], "extras": {"difficulty": 1}},  # 6
            {"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 0, 0]},  # 5
        ],
    )

    def complete(path: str):
        def found():
            response = outcomes_api(stack, "GET", path, "clinician", clinician)
            if not response.ok:
                return None  # outcomes has not heard of the assignment yet
            body = response.json()
            instruments = body["instruments"]
            series = [len(instruments.get(code, {}).get("series", [])) for code in ("phq9", "gad7")]
            return body if series == [2, 2] and body["nhs"]["finished_course"] else None

        return wait_for(found, 45, f"outcomes of both measures and both sessions at {path}")

    for path, ids in (
        (f"/clients/{client_id}/outcomes", {"client_id": client_id}),
        (f"/episodes/{episode_id}/outcomes", {"client_id": client_id, "episode_id": episode_id}),
    ):
        body = complete(path)
        assert {key: body[key] for key in ids} == ids
        assert body["rule_set"] == RULE_SET
        phq9_outcome, gad7_outcome = body["instruments"]["phq9"], body["instruments"]["gad7"]
        assert [(p["total"], p["source"], p["session_number"]) for p in phq9_outcome["series"]] == [
            (16, "intake", None),
            (6, "session", 2),
        ]
        assert {key: phq9_outcome[key] for key in ("baseline", "latest", "change", "percent_change")} == {
            "baseline": 16,
            "latest": 6,
            "change": -10,
            "percent_change": -62.5,
        }
        assert (phq9_outcome["reliable_change"], phq9_outcome["response"], phq9_outcome["remission"]) == (
            "improved",
            True,
            False,
        )
        assert (gad7_outcome["baseline"], gad7_outcome["latest"], gad7_outcome["reliable_change"]) == (
            12,
            5,
            "improved",
        )
        assert body["nhs"] == {
            "caseness_at_start": True,
            "caseness_at_end": False,
            "finished_course": True,
            "recovered": True,
            "reliable_improvement": True,
            "reliable_deterioration": False,
            "reliable_recovery": True,
        }

    measures = outcomes_api(stack, "GET", f"/clients/{client_id}/measures", "clinician", clinician).json()
    at_intake = next(m for m in measures if m["measure_id"] == phq9["id"])
    assert (at_intake["cutoff"], at_intake["episode_id"], at_intake["source"]) == (10, episode_id, "intake")
    not_theirs = outcomes_api(stack, "GET", f"/clients/{client_id}/outcomes", "clinician", "dr-someone-else")
    assert not_theirs.status_code == 404


def test_a_reliable_deterioration_raises_an_alert_on_kafka(stack, infra):
    client_id = admitted_client(stack)
    screen(stack, client_id, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0], difficulty=1)  # 8
    episode_id, clinician = treated_by_new_clinician(stack, client_id)
    start = (datetime.now(UTC) - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    [session] = book(stack, episode_id, start, 1)

    # A GAD-7 taken outside the session, entered by the clinician (the key makes retrying safe).
    key = {"Idempotency-Key": f"gad7-{uuid.uuid4().hex[:12]}"}

    def recorded_outside():
        response = requests.post(
            f"{stack.url('outcomes')}/api/v1/clients/{client_id}/measures",
            json={"instrument": "gad7", "answers": [1, 1, 1, 1, 0, 0, 0]},
            headers=stack.headers("clinician", clinician) | key,
            timeout=10,
        )
        return response.json() if response.status_code == 201 else None

    outside = wait_for(recorded_outside, 30, "outcomes to accept the clinician's measure")
    assert (outside["total"], outside["source"], outside["episode_id"]) == (4, "outside_session", episode_id)

    attend_and_document(
        stack,
        session,
        clinician,
        [{"instrument": "phq9", "answers": [2, 2, 2, 2, 2, 2, 2, 1, 0], "extras": {"difficulty": 2}}],  # 15: +7
    )

    def alert():
        records = read_all(infra.kafka_bootstrap, events_topic("outcomes"), expect=100_000, timeout=3)
        mine = [(r, parse_envelope(r.value)) for r in records if r.key == client_id.encode()]
        found = [(r, e) for r, e in mine if e.type == "outcomes.alert.raised"]
        return found or None

    [(record, event)] = wait_for(alert, 45, "outcomes.alert.raised on Kafka")
    assert {key: event.data[key] for key in ("client_id", "episode_id", "clinician_id", "kind", "instrument")} == {
        "client_id": client_id,
        "episode_id": episode_id,
        "clinician_id": clinician,
        "kind": "reliable_deterioration",
        "instrument": "phq9",
    }
    assert event.data["rule_set"] == RULE_SET and event.data["session_number"] == 1
    assert b"Robin" not in record.value and b"Tester" not in record.value  # identifiers only, no names
