"""The outcomes API on fake storage: measures taken outside a session, outcome shapes, who sees what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from services.outcomes import bootstrap
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope
from tests.support import events

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
CLIENT, EPISODE, CLINICIAN = "client-9", "episode-9", "dr-9"
PHQ9_MODERATE = [2, 2, 1, 1, 1, 1, 1, 1, 0]  # 10
PHQ9_SEVERE = [3, 3, 2, 2, 2, 2, 2, 2, 0]  # 18


def headers(role: str, sub: str = "user-1", **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}", **more}


MINE, OTHER = headers("clinician", CLINICIAN), headers("clinician", "dr-other")
SUPERVISOR = headers("supervisor", "sup-1")  # supervises CLINICIAN (the deps fixture says so)
ANOTHER_TEAMS_SUPERVISOR = headers("supervisor", "sup-2")


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    deps = bootstrap.fake_dependencies()
    now = datetime.now(UTC)
    for type_, changes in (
        ("intake.client.registered", {}),
        ("sessions.episode.opened", {"episode_id": EPISODE, "opened_at": (now - timedelta(days=30)).isoformat()}),
        ("sessions.episode.assigned", {"episode_id": EPISODE, "clinician_id": CLINICIAN}),
    ):
        data = dict(contract_for(type_, 1).example, client_id=CLIENT, **changes)
        event = Envelope(type=type_, version=1, source="test", subject=CLIENT, data=data, time=now)
        bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))
    events.supervise(bootstrap, deps, CLINICIAN, "sup-1")
    return deps


@pytest.fixture
def api(deps) -> FlaskClient:
    settings = Settings.from_env("outcomes", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


def post_measure(api: FlaskClient, body: dict, hdrs=MINE, client_id: str = CLIENT):
    return api.post(f"/api/v1/clients/{client_id}/measures", json=body, headers=hdrs)


def test_a_measure_taken_outside_a_session_is_scored_here(api, deps):
    response = post_measure(api, {"instrument": "phq9", "answers": PHQ9_MODERATE, "extras": {"difficulty": 1}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["total"], body["severity"], body["positive"], body["cutoff"]) == (10, "moderate", True, 10)
    assert (body["source"], body["episode_id"], body["session_number"]) == ("outside_session", EPISODE, None)
    [event] = [e for e in deps.memory.outbox if e.type == "outcomes.score.recorded"]
    assert event.data["measure_id"] == body["measure_id"] and event.subject == CLIENT
    assert "answers" not in event.data


def test_a_measure_taken_here_that_shows_suicide_risk_says_so_for_intake(api, deps):
    answers = PHQ9_MODERATE[:8] + [2]  # item 9 "more than half the days": urgent, whatever the total
    response = post_measure(api, {"instrument": "phq9", "answers": answers, "extras": {"difficulty": 1}})
    assert response.status_code == 201
    [event] = [e for e in deps.memory.outbox if e.type == "outcomes.score.recorded"]
    assert (event.data["risk_urgency"], event.data["risk_source"]) == ("urgent", "phq9_item9")
    calm = post_measure(api, {"instrument": "gad7", "answers": [1] * 7})
    assert calm.status_code == 201
    gad7 = [e for e in deps.memory.outbox if e.type == "outcomes.score.recorded" and e.data["instrument"] == "gad7"]
    assert gad7[0].data["risk_urgency"] is None


def test_invalid_answers_are_refused_naming_every_bad_item(api, deps):
    response = post_measure(api, {"instrument": "phq9", "answers": [1, 5, None, 1, 1, True, 1, 1, 1, 2]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert {"answers.2", "answers.3", "answers.6", "answers.10"} <= set(errors)
    assert deps.repos.measures.for_client(CLIENT) == []


def test_an_unknown_instrument_is_refused(api):
    response = post_measure(api, {"instrument": "bdi2", "answers": [1]})
    assert response.status_code == 422 and "instrument" in response.get_json()["errors"]["json"]


def test_a_resend_with_the_same_idempotency_key_records_once(api, deps):
    keyed = headers("clinician", CLINICIAN, **{"Idempotency-Key": "form-123456"})
    first = post_measure(api, {"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 1, 1]}, keyed)
    again = post_measure(api, {"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 1, 1]}, keyed)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["measure_id"] == again.get_json()["measure_id"]
    assert len(deps.repos.measures.for_client(CLIENT)) == 1


@pytest.mark.parametrize(
    ("hdrs", "status"),
    [
        (OTHER, 404),  # another clinician's client: as if it did not exist
        (headers("intake"), 403),
        (headers("ops"), 403),
        (headers("admin"), 403),  # the issue names clinicians and supervisors
        (SUPERVISOR, 201),
        (ANOTHER_TEAMS_SUPERVISOR, 404),  # a supervisor sees their own team's clients only
    ],
)
def test_who_may_record_a_measure(api, hdrs, status):
    assert post_measure(api, {"instrument": "gad7", "answers": [0] * 7}, hdrs).status_code == status


def test_an_unknown_client_is_not_found(api):
    assert post_measure(api, {"instrument": "gad7", "answers": [0] * 7}, SUPERVISOR, "nobody").status_code == 404
    assert api.get("/api/v1/clients/nobody/outcomes", headers=SUPERVISOR).status_code == 404


def test_client_outcomes_have_the_documented_shape(api):
    post_measure(api, {"instrument": "phq9", "answers": PHQ9_SEVERE})
    post_measure(api, {"instrument": "phq9", "answers": PHQ9_MODERATE})
    response = api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=MINE)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"client_id", "rule_set", "instruments", "nhs"}
    assert body["rule_set"] == "nhs-talking-therapies+jacobson-truax/v1"
    phq9 = body["instruments"]["phq9"]
    assert set(phq9) == {
        "series",
        "baseline",
        "latest",
        "change",
        "percent_change",
        "reliable_change",
        "response",
        "remission",
    }
    assert [p["total"] for p in phq9["series"]] == [18, 10]
    assert (phq9["baseline"], phq9["latest"], phq9["change"], phq9["percent_change"]) == (18, 10, -8, -44.4)
    assert (phq9["reliable_change"], phq9["response"], phq9["remission"]) == ("improved", False, False)
    assert body["nhs"] == {
        "caseness_at_start": True,
        "caseness_at_end": True,
        "finished_course": False,  # no attended sessions
        "recovered": False,
        "reliable_improvement": True,
        "reliable_deterioration": False,
        "reliable_recovery": False,
    }


def test_episode_outcomes_are_the_episodes_own(api):
    post_measure(api, {"instrument": "phq9", "answers": PHQ9_SEVERE})
    response = api.get(f"/api/v1/episodes/{EPISODE}/outcomes", headers=MINE)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["episode_id"], body["client_id"]) == (EPISODE, CLIENT)
    assert body["instruments"]["phq9"]["series"][0]["episode_id"] == EPISODE
    assert api.get(f"/api/v1/episodes/{EPISODE}/outcomes", headers=OTHER).status_code == 404
    assert api.get("/api/v1/episodes/unknown/outcomes", headers=SUPERVISOR).status_code == 404


def test_other_clinicians_and_ops_see_no_client_outcomes(api):
    assert api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=OTHER).status_code == 404
    assert api.get(f"/api/v1/clients/{CLIENT}/measures", headers=OTHER).status_code == 404
    assert api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=headers("ops")).status_code == 403
    assert api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=SUPERVISOR).status_code == 200
    assert api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=ANOTHER_TEAMS_SUPERVISOR).status_code == 404


def test_reading_an_episodes_outcomes_is_audited_with_its_client(api, caplog):
    with caplog.at_level("INFO", logger="audit"):
        api.get(f"/api/v1/episodes/{EPISODE}/outcomes", headers=MINE)
    [line] = [r for r in caplog.records if r.name == "audit"]
    assert (line.client_id, line.actor) == (CLIENT, CLINICIAN)


def test_another_clinician_reaches_the_client_by_no_route(api):
    """Every outcomes route that names a client or an episode, enumerated from the app: their own
    clinician reaches it, another clinician is told it does not exist."""
    app = api.application
    routes = sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and ("<client_id>" in rule.rule or "<episode_id>" in rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )
    assert len(routes) == 8
    measure = {"instrument": "phq9", "answers": PHQ9_MODERATE, "extras": {"difficulty": 1}}
    for rule, method in routes:
        url = rule.replace("<client_id>", CLIENT).replace("<episode_id>", EPISODE)
        body = measure if method == "POST" else None
        assert api.open(url, method=method, json=body, headers=OTHER).status_code == 404, (method, rule)
        assert api.open(url, method=method, json=body, headers=MINE).status_code in (200, 201), (method, rule)
