"""GET /clients/{id}/trajectory.svg and /episodes/{id}/trajectory.svg: the shared chart with severity
bands, points where the measures belong, well-formed, accessible, for the treating team only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from services.outcomes import bootstrap
from services.outcomes.domain.trajectory import client_series, episode_series
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope
from tests.support import events

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
CLIENT, EPISODE, CLINICIAN = "client-chart", "episode-chart", "dr-chart"
T0 = (datetime.now(UTC) - timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
SVG = "{http://www.w3.org/2000/svg}"


def headers(role: str, sub: str = CLINICIAN) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}"}


def deliver(deps, type_: str, at: datetime, **changes) -> None:
    data = dict(contract_for(type_, 1).example, client_id=CLIENT, **changes)
    event = Envelope(type=type_, version=1, source="test", subject=CLIENT, data=data, time=at)
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    deps = bootstrap.fake_dependencies()
    deliver(deps, "sessions.episode.opened", T0, episode_id=EPISODE, opened_at=T0.isoformat())
    deliver(deps, "sessions.episode.assigned", T0, episode_id=EPISODE, clinician_id=CLINICIAN)
    for instrument, total in (("phq9", 16), ("gad7", 12)):
        screening = {"screening_id": f"s-{instrument}", "instrument": instrument, "total": total, "flags": []}
        deliver(deps, "intake.screening.completed", T0, **screening, administered_at=T0.isoformat())
    for number in (1, 2):
        start = T0 + timedelta(days=7 * number)
        session = {"episode_id": EPISODE, "clinician_id": CLINICIAN, "session_id": f"s{number}", "number": number}
        deliver(deps, "sessions.session.attended", start, **session, start=start.isoformat(), end=start.isoformat())
    measure = {"measure_id": "m-2", "session_id": "s2", "episode_id": EPISODE, "clinician_id": CLINICIAN}
    measure |= {"session_number": 2, "instrument": "phq9", "total": 6, "flags": [], "risk_urgency": None}
    at = T0 + timedelta(days=14)
    deliver(deps, "sessions.measure.recorded", at, **measure, administered_at=at.isoformat())
    return deps


@pytest.fixture
def api(deps) -> FlaskClient:
    settings = Settings.from_env("outcomes", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


def chart(api, path: str, hdrs=None) -> ET.Element:
    response = api.get(path, headers=hdrs or headers("clinician"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert (response.mimetype, response.headers["Cache-Control"]) == ("image/svg+xml", "no-store")
    assert b"<script" not in response.data and b"style=" not in response.data
    return ET.fromstring(response.data)


def points(root: ET.Element, instrument: str) -> list[str]:
    panel = next(g for g in root.iter(f"{SVG}g") if g.get("class") == f"panel panel-{instrument}")
    return [circle.find(f"{SVG}title").text for circle in panel.iter(f"{SVG}circle")]


def test_the_episode_chart_follows_the_sessions(api, deps):
    outside = {"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 0, 0]}  # 5, after session 2
    assert api.post(f"/api/v1/clients/{CLIENT}/measures", json=outside, headers=headers("clinician")).status_code == 201
    root = chart(api, f"/api/v1/episodes/{EPISODE}/trajectory.svg")
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "PHQ-9 and GAD-7 over the course"
    assert root.find(f"{SVG}desc").text.startswith(
        "PHQ-9 from 16 (moderately severe) at session 0 to 6 (mild) at session 2: down 10 points. "
        "GAD-7 from 12 (moderate) at session 0 to 5 (mild) at session 2: down 7 points."
    )
    assert len(points(root, "phq9")) == 2 and points(root, "phq9")[1].startswith("Session 2, ")
    assert points(root, "gad7")[0].startswith("At intake, ") and points(root, "gad7")[1].startswith("Outside a session")
    assert [g.get("class") for g in root.iter(f"{SVG}rect")][:5] == [
        f"band band-{b}" for b in ("minimal", "mild", "moderate", "moderately_severe", "severe")
    ]


def test_the_client_chart_lines_up_the_days_measured(api, deps):
    events.supervise(bootstrap, deps, CLINICIAN, "sup")  # the treating clinician's supervisor
    root = chart(api, f"/api/v1/clients/{CLIENT}/trajectory.svg", headers("supervisor", "sup"))
    assert root.find(f"{SVG}desc").text == (
        "PHQ-9 from 16 (moderately severe) at day measured 1 to 6 (mild) at day measured 2: down 10 points. "
        "GAD-7: a single score, 12 (moderate) at day measured 1."
    )


def test_series_place_measures_taken_outside_a_session_after_the_sessions_attended():
    from services.outcomes.domain.alerts import AttendedSession
    from services.outcomes.domain.measure import Measure

    def measure(n: int, days: int, session: int | None) -> Measure:
        at = T0 + timedelta(days=days)
        return Measure(f"m{n}", CLIENT, "phq9", "1.0", 10 + n, None, True, at, session_number=session)

    attended = [AttendedSession(f"s{n}", n, T0 + timedelta(days=7 * n), T0 + timedelta(days=7 * n)) for n in (1, 2)]
    measures = [measure(0, 0, None), measure(1, 7, 1), measure(2, 10, None), measure(3, 20, None)]
    phq9, gad7 = episode_series(measures, attended)
    assert [(p.x, p.score) for p in phq9.points] == [(0, 10), (1, 11), (1, 12), (2, 13)]
    assert gad7.points == ()
    assert [p.x for p in client_series(measures)[0].points] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("path", "hdrs", "status"),
    [
        (f"/api/v1/episodes/{EPISODE}/trajectory.svg", headers("clinician", "dr-other"), 404),
        (f"/api/v1/clients/{CLIENT}/trajectory.svg", headers("clinician", "dr-other"), 404),
        (f"/api/v1/clients/{CLIENT}/trajectory.svg", headers("ops"), 403),
        ("/api/v1/episodes/unknown/trajectory.svg", headers("admin"), 404),
    ],
)
def test_charts_are_for_the_treating_team(api, path, hdrs, status):
    assert api.get(path, headers=hdrs).status_code == status


def test_reading_an_episode_chart_is_audited_with_its_client(api, caplog):
    with caplog.at_level("INFO", logger="audit"):
        chart(api, f"/api/v1/episodes/{EPISODE}/trajectory.svg")
    [line] = [r for r in caplog.records if r.name == "audit"]
    assert (line.client_id, line.actor) == (CLIENT, CLINICIAN)
