"""GET /reports/programs and /reports/programs.svg on fake storage, fed by the events outcomes consumes:
summaries kept per event (the admission's problem area included, whenever it arrives), the
threshold of 5 clients, the query's validation, and what ops see."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from services.outcomes import bootstrap
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(days=30)
SVG = "{http://www.w3.org/2000/svg}"


def headers(role: str, sub: str = "user-1") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}"}


SUPERVISOR, OPS = headers("supervisor", "sup-1"), headers("ops", "ops-1")


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    return bootstrap.fake_dependencies()


@pytest.fixture
def api(deps) -> FlaskClient:
    settings = Settings.from_env("outcomes", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


def deliver(deps, type_: str, client_id: str, at: datetime, **changes) -> None:
    data = dict(contract_for(type_, 1).example, client_id=client_id, **changes)
    event = Envelope(type=type_, version=1, source=type_.split(".")[0], subject=client_id, data=data, time=at)
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))


def admit(deps, client_id: str, area: str = "grief") -> None:
    deliver(
        deps,
        "intake.client.admitted",
        client_id,
        START,
        program="mental_health",
        primary_problem_area={"area": area, "stage": None},
        secondary_problem_area=None,
        admitted_at=START.isoformat(),
    )


def treated(
    deps,
    clinician: str = "dr-a",
    phq9: tuple[int, int] = (16, 6),
    gad7: tuple[int, int] = (12, 5),
    area: str | None = "grief",
    program: str = "mental_health",
    end: datetime = NOW,
) -> str:
    """A client through a course: screened at intake, two attended sessions, measures at the second."""
    client_id, episode_id = f"client-{uuid.uuid4().hex[:8]}", f"episode-{uuid.uuid4().hex[:8]}"
    start = end - timedelta(days=30)
    deliver(deps, "intake.client.registered", client_id, start, program=program, registered_at=start.isoformat())
    if area:
        admit(deps, client_id, area)
    deliver(
        deps,
        "sessions.episode.opened",
        client_id,
        start,
        episode_id=episode_id,
        program=program,
        opened_at=start.isoformat(),
    )
    deliver(
        deps,
        "sessions.episode.assigned",
        client_id,
        start,
        episode_id=episode_id,
        program=program,
        clinician_id=clinician,
    )
    for instrument, total in (("phq9", phq9[0]), ("gad7", gad7[0])):
        deliver(
            deps,
            "intake.screening.completed",
            client_id,
            start,
            screening_id=str(uuid.uuid4()),
            instrument=instrument,
            total=total,
            flags=[],
            administered_at=(start + timedelta(hours=1)).isoformat(),
        )
    for number in (1, 2):
        at = start + timedelta(days=7 * number)
        attended = {"episode_id": episode_id, "clinician_id": clinician, "session_id": f"{episode_id}-s{number}"}
        attended |= {"number": number, "start": at.isoformat(), "end": (at + timedelta(minutes=50)).isoformat()}
        deliver(deps, "sessions.session.attended", client_id, at, **attended)
    at = start + timedelta(days=14, minutes=30)
    for instrument, total in (("phq9", phq9[1]), ("gad7", gad7[1])):
        measure = {"measure_id": f"{episode_id}:{instrument}", "session_id": f"{episode_id}-s2"}
        measure |= {"episode_id": episode_id, "clinician_id": clinician, "session_number": 2, "instrument": instrument}
        measure |= {"total": total, "flags": [], "risk_urgency": None, "risk_source": None}
        deliver(deps, "sessions.measure.recorded", client_id, at, **measure, administered_at=end.isoformat())
    return client_id


def report(api, hdrs=SUPERVISOR, **query) -> dict:
    response = api.get("/api/v1/reports/programs", query_string=query, headers=hdrs)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def cell(body: dict, group: str | None) -> dict:
    return next(c for c in body["groups"] if c["group"] == group)


def test_a_group_of_four_clients_is_withheld_and_of_five_shown(api, deps):
    for area in ["grief"] * 4 + ["role_transition"] * 4 + ["role_dispute"]:
        treated(deps, area=area)
    body = report(api, by="problem_area")
    grief = cell(body, "grief")
    assert grief["suppressed"] is True and grief["label"] == "Grief"
    assert {value for key, value in grief.items() if key not in ("group", "label", "suppressed")} == {None}
    treated(deps, area="grief", phq9=(16, 16), gad7=(12, 12))  # the fifth: no change
    body = report(api, by="problem_area")
    grief = cell(body, "grief")
    assert grief["suppressed"] is False
    assert (grief["clients"], grief["courses"], grief["finished_courses"]) == (5, 5, 5)
    assert (grief["recovery_rate"], grief["reliable_improvement_rate"], grief["reliable_deterioration_rate"]) == (
        80.0,
        80.0,
        0.0,
    )
    assert (grief["response_rate"], grief["remission_rate"]) == (80.0, 0.0)
    assert grief["mean_change"] == {"phq9": -8.0, "gad7": -5.6}
    assert grief["substance_use"] is None
    assert cell(body, "role_transition")["suppressed"] is True and cell(body, "role_dispute")["suppressed"] is True
    assert body["total"]["clients"] == 10 and body["total"]["label"] == "All"
    assert body["rule_set"] == "nhs-talking-therapies+jacobson-truax/v1" and body["min_clients"] == 5


def test_a_lone_small_group_takes_the_smallest_shown_one_with_it(api, deps):
    for area in ["grief"] * 5 + ["role_transition"] * 6 + ["role_dispute"]:
        treated(deps, area=area)
    body = report(api, by="problem_area")
    assert [(c["group"], c["suppressed"]) for c in body["groups"]] == [
        ("grief", True),  # else the total minus role transition would give role dispute away
        ("role_dispute", True),
        ("role_transition", False),
    ]


def test_the_default_report_covers_twelve_months_by_program(api, deps):
    for _ in range(5):
        treated(deps)
    treated(deps, end=NOW - timedelta(days=400))  # a course that ended 13 months ago
    body = report(api)
    assert body["by"] == "program" and body["to"] == NOW.date().isoformat()
    assert body["from"] <= (NOW - timedelta(days=334)).date().isoformat() and body["from"].endswith("-01")
    assert [(c["group"], c["label"], c["clients"]) for c in body["groups"]] == [("mental_health", "Mental health", 5)]
    assert body["clients_per_program"] == {"mental_health": 6} and body["total_clients"] == 6
    longer = report(api, **{"from": (NOW - timedelta(days=500)).date().isoformat()})
    assert longer["total"]["clients"] == 6


def test_the_problem_area_reaches_episodes_whose_admission_comes_after_them(api, deps):
    late = [treated(deps, area=None) for _ in range(5)]
    assert cell(report(api, by="problem_area"), None)["label"] == "Problem area not recorded"
    for client_id in late:
        admit(deps, client_id, "role_dispute")
    body = report(api, by="problem_area")
    assert [(c["group"], c["clients"]) for c in body["groups"]] == [("role_dispute", 5)]


def test_substance_use_programs_carry_audit_and_dast10_change(api, deps):
    for _ in range(5):
        client_id = treated(deps, program="substance_use", clinician="dr-s")
        for total, days in ((20, 1), (14, 20)):
            deliver(
                deps,
                "intake.screening.completed",
                client_id,
                NOW,
                screening_id=str(uuid.uuid4()),
                instrument="audit",
                total=total,
                flags=[],
                administered_at=(NOW - timedelta(days=30 - days)).isoformat(),
            )
    block = cell(report(api), "substance_use")["substance_use"]
    assert block == {
        "suppressed": False,
        "clients": 5,
        "audit": {"courses": 5, "mean_change": -6.0},
        "dast10": {"courses": 0, "mean_change": None},
    }


def test_ops_see_no_clinician_by_name(api, deps):
    for _ in range(5):
        treated(deps, clinician="dr-named")
    treated(deps, clinician="dr-other")
    treated(deps, clinician="dr-third")
    response = api.get("/api/v1/reports/programs?by=clinician", headers=OPS)
    assert response.status_code == 200
    assert b"dr-" not in response.data and b"client-" not in response.data
    assert [(c["group"], c["clients"]) for c in response.get_json()["groups"]] == [
        ("clinician-1", 5),
        ("clinician-2", None),
        ("clinician-3", None),
    ]
    managers = report(api, by="clinician")
    assert [c["group"] for c in managers["groups"]] == ["dr-named", "dr-other", "dr-third"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"by": "postcode"}, "by"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "from"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(api, query, field):
    response = api.get("/api/v1/reports/programs", query_string=query, headers=SUPERVISOR)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["query"]) == {field}
    assert api.get("/api/v1/reports/programs.svg", query_string=query, headers=SUPERVISOR).status_code == 422


@pytest.mark.parametrize(("role", "status"), [("ops", 200), ("admin", 200), ("clinician", 403), ("intake", 403)])
def test_who_may_read_reports(api, role, status):
    assert api.get("/api/v1/reports/programs", headers=headers(role)).status_code == status
    assert api.get("/api/v1/reports/programs.svg", headers=headers(role)).status_code == status


def test_the_report_chart_is_well_formed_accessible_and_names_no_one(api, deps):
    for _ in range(5):
        treated(deps, clinician="dr-named")
    treated(deps, clinician="dr-other")
    treated(deps, clinician="dr-third")
    response = api.get("/api/v1/reports/programs.svg?by=clinician", headers=OPS)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-store"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("Finished courses by clinician")
    desc = root.find(f"{SVG}desc").text
    assert "clinician-1 (5 finished courses): Recovery 100 %, Reliable improvement 100 %" in desc
    assert "clinician-2: withheld: fewer than 5 clients." in desc
    assert len(root.findall(f".//{SVG}rect")) == 4  # recovery and improvement of clinician-1 and of all
    assert b"dr-" not in response.data and b"client-" not in response.data
    assert b"<script" not in response.data and b"style=" not in response.data
