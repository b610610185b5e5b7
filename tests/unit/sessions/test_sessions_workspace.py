"""The clinician workspace through Flask's test client, on fake storage and an in-memory user store."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from services.sessions import bootstrap
from services.sessions.entrypoints.ui import SESSIONS_UI, USERS_KEY
from shared.config import Settings
from shared.users import InMemoryUserStore
from tests.unit.sessions.test_sessions_api import SECRET, admitted, clinician, deliver, next_ten_oclock

PASSWORD = "correct horse battery staple"
PHQ9_MILD = {f"phq9.answers.{n}": "1" for n in range(1, 9)} | {"phq9.answers.9": "0", "phq9.difficulty": "1"}


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    return bootstrap.fake_dependencies()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(deps, clock):
    settings = Settings.from_env("sessions", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    app = bootstrap.create_app(settings, deps=deps)
    users = InMemoryUserStore(clock=clock)
    for username, role in (("dr-a", "clinician"), ("dr-b", "clinician"), ("sup-1", "supervisor"), ("in-1", "intake")):
        users.add(username, role, PASSWORD)
    app.extensions[USERS_KEY] = users
    return app


@pytest.fixture
def api(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def web(app) -> FlaskClient:
    return app.test_client()


def csrf_from(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(web: FlaskClient, username: str = "dr-a"):
    token = csrf_from(web.get("/ui/login").text)
    return web.post("/ui/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def post(web: FlaskClient, url: str, data: dict[str, str], page_url: str):
    return web.post(url, data={**data, "csrf_token": csrf_from(web.get(page_url).text)})


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def course(api, deps) -> str:
    """Dr A's client Alex Example, admitted: the episode id."""
    clinician(api, "dr-a")
    return admitted(deps, "client-alex", "dr-a")


def book(web: FlaskClient, episode: str, start: datetime, count: int = 1):
    form = {
        "date": start.date().isoformat(),
        "time": start.strftime("%H:%M"),
        "duration_minutes": "50",
        "count": str(count),
        "frequency": "weekly",
        "modality": "video",
    }
    return post(web, f"/ui/episodes/{episode}/sessions", form, f"/ui/episodes/{episode}")


def test_the_workspace_has_its_own_cookie_and_refuses_intake_staff(web):
    response = sign_in(web)
    assert response.status_code == 302 and response.headers["Location"] == "/ui/"
    assert response.headers["Set-Cookie"].startswith(f"{SESSIONS_UI.cookie_name}=")
    assert SESSIONS_UI.cookie_name == "ipt_sessions_ui"  # never the intake pages' cookie on the same host
    other = web.application.test_client()
    refused = sign_in(other, "in-1")
    assert refused.status_code == 403 and "cannot use the clinician workspace" in text_of(refused.text)


def test_fifteen_idle_minutes_sign_the_clinician_out(web, clock, course):
    sign_in(web)
    chart = f"/ui/episodes/{course}"
    assert web.get(chart).status_code == 200
    clock.now += timedelta(minutes=15, seconds=1)
    refused = web.get(chart)
    assert refused.status_code == 302 and refused.headers["Location"] == "/ui/login"
    assert "signed out after 15 minutes without activity" in web.get("/ui/login").text


def test_a_form_without_the_session_csrf_token_changes_nothing(web, course, deps):
    sign_in(web)
    start = next_ten_oclock() + timedelta(days=1)
    refused = web.post(f"/ui/episodes/{course}/sessions", data={"date": start.date().isoformat(), "time": "10:00"})
    assert refused.status_code == 400
    assert deps.repos.sessions.for_episode(course) == []


def test_a_form_sent_from_another_site_is_refused(web, course, deps):
    sign_in(web)
    form = {"date": "2026-12-10", "time": "10:00", "modality": "video", "csrf_token": csrf_from(web.get("/ui/").text)}
    refused = web.post(f"/ui/episodes/{course}/sessions", data=form, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "another site" in text_of(refused.text)
    hidden = web.post(f"/ui/episodes/{course}/sessions", data=form, headers={"Origin": "null"})
    assert hidden.status_code == 403
    assert deps.repos.sessions.for_episode(course) == []
    same = web.post(f"/ui/episodes/{course}/sessions", data=form, headers={"Origin": "http://localhost"})
    assert same.status_code != 403


def test_the_caseload_names_the_client_and_lists_an_open_risk_first(web, api, deps, course):
    calm = admitted(deps, "client-blair", "dr-a")
    deliver(deps, "intake.client.updated", client_id="client-blair", given_name="Blair", family_name="Quiet")
    deliver(deps, "intake.risk.flagged", client_id="client-alex", urgency="urgent")
    sign_in(web)
    page = web.get("/ui/caseload").text
    rows = re.findall(r'<tr class="caseload__row[^"]*">(.*?)</tr>', page, re.S)
    assert [("Alex Example" in r, "Blair Quiet" in r) for r in rows] == [(True, False), (False, True)]
    assert "URGENT RISK" in rows[0] and f"/ui/episodes/{course}" in rows[0] and f"/ui/episodes/{calm}" in rows[1]
    assert "client-alex" not in page  # ids of clients never shown or linked: episodes are


def test_the_chart_shows_the_trajectory_and_the_risk_banner(web, deps, course):
    deliver(
        deps,
        "intake.screening.completed",
        client_id="client-alex",
        instrument="phq9",
        total=16,
        severity="moderately_severe",
    )
    deliver(deps, "intake.risk.flagged", client_id="client-alex", urgency="high")
    sign_in(web)
    page = web.get(f"/ui/episodes/{course}").text
    assert "<h1>Alex Example</h1>" in page and "Born" in page
    assert 'role="alert"' in page and "Suicide risk flagged — high" in page
    assert "<svg" in page and 'role="img"' in page and "PHQ-9" in page
    assert re.search(r"<td>PHQ-9</td><td>At intake, [0-9-]+</td><td>16</td>", page)


def test_booking_a_series_from_the_chart_and_a_clash_books_nothing(web, deps, course):
    sign_in(web)
    start = next_ten_oclock() + timedelta(days=1)
    booked = book(web, course, start, count=3)
    assert booked.status_code == 302 and booked.headers["Location"].endswith(f"/ui/episodes/{course}#sessions")
    assert len(deps.repos.sessions.for_episode(course)) == 3
    clash = book(web, course, start, count=2)
    assert clash.status_code == 409
    assert "Nothing was booked" in text_of(clash.text) and 'id="conflicts"' in clash.text
    assert len(deps.repos.sessions.for_episode(course)) == 3


def test_a_booking_form_names_every_bad_field(web, deps, course):
    sign_in(web)
    page = post(web, f"/ui/episodes/{course}/sessions", {"date": "2026-02-31", "count": "x"}, f"/ui/episodes/{course}")
    assert page.status_code == 422
    text = text_of(page.text)
    assert "Enter a real date" in text and "Enter the time" in text and "Enter a whole number" in text
    assert "Choose how the session takes place" in text
    assert deps.repos.sessions.for_episode(course) == []


def test_today_and_the_week_list_the_clinicians_sessions_by_client_name(web, deps, course):
    sign_in(web)
    # Early this morning (a series may start in the past): on the page whatever the time of day.
    start = datetime.now(UTC).replace(hour=0, minute=5, second=0, microsecond=0)
    assert book(web, course, start).status_code == 302
    today = web.get("/ui/").text
    assert "Alex Example" in today and start.strftime("%H:%M") in today
    week = web.get("/ui/week").text
    assert "Alex Example" in week and "Session 1 · Video" in text_of(week)


def test_reschedule_and_cancel_from_the_session_page(web, deps, course):
    sign_in(web)
    start = next_ten_oclock() + timedelta(days=2)
    book(web, course, start, count=2)
    first, second = deps.repos.sessions.for_episode(course)
    later = start + timedelta(days=1, hours=2)
    moved = post(
        web,
        f"/ui/sessions/{first.id}/reschedule",
        {"date": later.date().isoformat(), "time": later.strftime("%H:%M")},
        f"/ui/sessions/{first.id}",
    )
    assert moved.status_code == 302
    assert deps.repos.sessions.get(first.id).start == later
    cancelled = post(web, f"/ui/sessions/{second.id}/cancel", {"cancelled_by": "client"}, f"/ui/sessions/{second.id}")
    assert cancelled.status_code == 302
    assert deps.repos.sessions.get(second.id).status == "cancelled"
    assert "The session is cancelled." in web.get(cancelled.headers["Location"]).text


def test_documenting_an_attended_session_scores_the_phq9(web, deps, course):
    sign_in(web)
    start = (datetime.now(UTC) - timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    book(web, course, start)
    [session] = deps.repos.sessions.for_episode(course)
    page = f"/ui/sessions/{session.id}"
    assert post(web, f"{page}/attendance", {"status": "attended"}, page).status_code == 302
    incomplete = post(web, f"{page}/record", {"phase": "initial", **PHQ9_MILD, "phq9.answers.4": ""}, f"{page}/record")
    assert incomplete.status_code == 422 and "PHQ-9 question 4" in text_of(incomplete.text)
    saved = post(
        web, f"{page}/record", {"phase": "initial", "homework": "Call a friend", **PHQ9_MILD}, f"{page}/record"
    )
    assert saved.status_code == 302
    record = deps.repos.sessions.get(session.id).record
    assert record.homework == "Call a friend" and [(m.instrument, m.total) for m in record.measures] == [("phq9", 8)]
    assert "sessions.measure.recorded" in [event.type for event in deps.memory.outbox]


def test_another_clinicians_chart_is_not_found(web, api, deps, course):
    clinician(api, "dr-b")
    sign_in(web, "dr-b")
    assert web.get(f"/ui/episodes/{course}").status_code == 404
    assert web.get("/ui/caseload").status_code == 200


def test_a_supervisor_picks_whose_caseload_to_see(web, api, deps, course):
    clinician(api, "sup-1", supervisor=None)
    sign_in(web, "sup-1")
    own = web.get("/ui/caseload").text
    assert "Alex Example" not in own
    team = web.get("/ui/caseload?clinician=dr-a").text
    assert "Alex Example" in team and 'id="f-clinician"' in team


def test_a_calendar_link_is_shown_once_and_can_be_stopped(web, api, course):
    sign_in(web)
    made = post(web, "/ui/calendar/link", {}, "/ui/calendar")
    assert made.status_code == 200
    link = html.unescape(re.search(r'id="calendar-link" type="text" readonly value="([^"]+)"', made.text).group(1))
    token = link.split("access_token=")[1]
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={token}").status_code == 200
    assert token not in web.get("/ui/calendar").text  # not shown again
    stopped = post(web, "/ui/calendar/stop", {}, "/ui/calendar")
    assert stopped.status_code == 302
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={token}").status_code == 404
    assert 'id="no-link"' in web.get("/ui/calendar").text


def test_the_chart_and_caseload_show_what_outcomes_concluded(web, deps, course):
    deliver(deps, "outcomes.alert.raised", client_id="client-alex", episode_id=course, clinician_id="dr-a")
    deliver(deps, "outcomes.alert.raised", client_id="client-alex", episode_id=course, clinician_id="dr-a")  # again
    deliver(deps, "outcomes.status.changed", client_id="client-alex", episode_id=course, status="response")
    sign_in(web)
    chart = text_of(web.get(f"/ui/episodes/{course}").text)
    assert chart.count("Reliable deterioration on PHQ-9, session 4") == 1
    assert "Reached: Response (PHQ-9 down by half or more)" in chart
    assert "1 outcome alert" in text_of(web.get("/ui/caseload").text)


def test_a_risk_alert_that_reached_the_clinician_is_taken_on_from_the_inbox(web, api, deps, course):
    alert = {"client_id": "client-alex", "alert_id": "alert-1", "recipient_id": "dr-a"}
    deliver(deps, "notifications.alert.raised", **alert)
    deliver(deps, "notifications.alert.raised", client_id="client-blair", alert_id="alert-2", recipient_id="dr-b")
    sign_in(web)
    inbox = text_of(web.get("/ui/alerts").text)
    assert "Alex Example" in inbox and "URGENT RISK" in inbox and "alert-2" not in web.get("/ui/alerts").text
    assert web.get("/ui/alerts/alert-2").status_code == 404  # it never reached dr-a
    taken = post(web, "/ui/alerts/alert-1/acknowledge", {}, "/ui/alerts/alert-1")
    assert taken.status_code == 302
    [event] = [e for e in deps.memory.outbox if e.type == "sessions.alert.acknowledged"]
    assert (event.data["alert_id"], event.data["acknowledged_by"]) == ("alert-1", "dr-a")
    again = post(web, "/ui/alerts/alert-1/acknowledge", {}, "/ui/alerts/alert-1")  # a resent form
    assert again.status_code == 302
    assert len([e for e in deps.memory.outbox if e.type == "sessions.alert.acknowledged"]) == 1
    deliver(deps, "notifications.alert.acknowledged", **alert)
    assert "Acknowledged" in text_of(web.get("/ui/alerts/alert-1").text)
    assert "Alex Example" not in text_of(web.get("/ui/alerts").text.split("Outcome alerts")[0])


def test_workspace_pages_that_show_a_client_are_on_the_audit_trail(web, app, course):
    from shared.audit import AuditQuery
    from shared.audit_api import AUDIT_KEY

    sign_in(web)
    assert web.get(f"/ui/episodes/{course}").status_code == 200
    assert web.get("/ui/caseload").status_code == 200
    records, _ = app.extensions[AUDIT_KEY].find(AuditQuery(client_id="client-alex"))
    assert [(r.actor, r.action, r.result) for r in reversed(records)] == [
        ("dr-a", "GET ui.chart", "ok"),
        ("dr-a", "GET ui.caseload", "ok"),
    ]
    web.get("/ui/keep-alive")
    signed_in, shown, _ = app.extensions[AUDIT_KEY].find(AuditQuery(actor="dr-a"))[0][::-1]
    assert (signed_in.action, signed_in.status, shown.action) == ("POST ui.login", 302, "GET ui.chart")


def test_a_supervisor_sees_their_teams_alerts_and_those_that_reached_them_not_another_teams(web, api, deps, course):
    clinician(api, "dr-b", supervisor="sup-2")
    admitted(deps, "client-blair", "dr-b")
    deliver(deps, "notifications.alert.raised", client_id="client-alex", alert_id="alert-team", recipient_id="dr-a")
    deliver(deps, "notifications.alert.raised", client_id="client-blair", alert_id="alert-other", recipient_id="dr-b")
    deliver(deps, "notifications.alert.raised", client_id="client-new", alert_id="alert-nobodys", recipient_id=None)
    sign_in(web, "sup-1")
    inbox = web.get("/ui/alerts").text
    assert "alert-team" in inbox and "alert-nobodys" in inbox and "alert-other" not in inbox
    assert web.get("/ui/alerts/alert-other").status_code == 404
    # Escalated up the rota to sup-1, another team's alert is theirs to take on.
    deliver(
        deps,
        "notifications.alert.escalated",
        client_id="client-blair",
        alert_id="alert-other",
        recipient_id="sup-1",
        escalation_level=1,
    )
    assert web.get("/ui/alerts/alert-other").status_code == 200
    assert post(web, "/ui/alerts/alert-other/acknowledge", {}, "/ui/alerts/alert-other").status_code == 302
