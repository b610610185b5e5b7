"""The sessions API on fake storage: clinicians, assignment, who sees what, the calendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from services.sessions import bootstrap, handlers
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope, utcnow

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
# Every day, all day: these tests book relative to now, so must pass on any day of the week.
ALL_DAY = {
    day: [["00:00", "23:59"]] for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def headers(role: str, sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, sub, role)}"}


ADMIN, SUPERVISOR = headers("admin", "admin-1"), headers("supervisor", "sup-1")


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    return bootstrap.fake_dependencies()


@pytest.fixture
def api(deps) -> FlaskClient:
    settings = Settings.from_env("sessions", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


def clinician(api: FlaskClient, cid: str, **changes) -> dict:
    body = {
        "id": cid,
        "name": f"Dr {cid}",
        "email": f"{cid}@example.org",
        "time_zone": "UTC",
        "working_hours": ALL_DAY,
        "caseload_limit": 2,
        "programs": ["co_occurring"],
        "supervisor": "sup-1",
    }
    response = api.post("/api/v1/clinicians", json=body | changes, headers=ADMIN)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def next_ten_oclock() -> datetime:
    now = datetime.now(UTC)
    ten = now.replace(hour=10, minute=0, second=0, microsecond=0)
    return ten if ten > now else ten + timedelta(days=1)


def deliver(deps, type_: str, **changes) -> None:
    data = dict(contract_for(type_, 1).example, **changes)
    event = Envelope(
        type=type_, version=1, source="intake", subject=data["client_id"], data=data, time=datetime.now(UTC)
    )
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))


def admitted(deps, client_id: str, preference: str | None = None) -> str:
    deliver(deps, "intake.client.registered", client_id=client_id)
    deliver(deps, "intake.client.admitted", client_id=client_id, clinician_preference=preference)
    [episode] = deps.repos.episodes.for_client(client_id)
    return episode.id


def test_a_profile_names_every_bad_field(api):
    body = {
        "id": "dr-x",
        "name": "Dr X",
        "email": "x@example.org",
        "time_zone": "Mars/Olympus",
        "working_hours": {"monday": [["17:00", "09:00"]]},
        "caseload_limit": 10,
        "programs": ["astrology"],
    }
    response = api.post("/api/v1/clinicians", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"time_zone", "working_hours.monday.0", "programs"}
    assert api.post("/api/v1/clinicians", json=body, headers=headers("clinician", "dr-x")).status_code == 403


def test_profiles_are_read_and_changed(api):
    clinician(api, "dr-a")
    changed = api.patch("/api/v1/clinicians/dr-a", json={"caseload_limit": 20}, headers=SUPERVISOR)
    assert changed.status_code == 200 and changed.get_json()["caseload_limit"] == 20
    assert api.get("/api/v1/clinicians/dr-a", headers=headers("intake", "i-1")).get_json()["name"] == "Dr dr-a"
    assert api.post("/api/v1/clinicians", json={**changed.get_json()}, headers=ADMIN).status_code == 409


def test_admission_assigns_the_preferred_clinician_then_the_one_with_room(api, deps):
    clinician(api, "dr-a")
    clinician(api, "dr-b", name="Dr Bea Lopez")
    first = admitted(deps, "c-1", preference="bea lopez")
    assert deps.repos.episodes.get(first).clinician_id == "dr-b"
    second = admitted(deps, "c-2")
    assert deps.repos.episodes.get(second).clinician_id == "dr-a"  # the most room
    assigned = [e for e in deps.memory.outbox if e.type == "sessions.episode.assigned"]
    assert [e.data["clinician_id"] for e in assigned] == ["dr-b", "dr-a"]


def test_nobody_with_room_leaves_the_episode_for_a_supervisor(api, deps):
    clinician(api, "dr-a", caseload_limit=1)
    admitted(deps, "c-1")
    full = admitted(deps, "c-2")
    assert deps.repos.episodes.get(full).clinician_id is None
    refused = api.patch(f"/api/v1/episodes/{full}", json={"clinician_id": "dr-a"}, headers=SUPERVISOR)
    assert refused.status_code == 409 and "caseload is full" in refused.get_json()["message"]
    forced = api.patch(f"/api/v1/episodes/{full}", json={"clinician_id": "dr-a", "override": True}, headers=SUPERVISOR)
    assert forced.status_code == 200 and forced.get_json()["clinician_id"] == "dr-a"
    own = headers("clinician", "dr-a")
    assert api.patch(f"/api/v1/episodes/{full}", json={"clinician_id": "dr-z"}, headers=own).status_code == 403


def supervision_news(deps) -> list[tuple[str, str | None, str | None]]:
    return [
        (e.data["clinician_id"], e.data["supervisor_id"], e.data["previous_supervisor_id"])
        for e in deps.memory.outbox
        if e.type == "sessions.clinician.supervisor_changed"
    ]


def test_every_change_of_supervisor_is_announced_keyed_by_the_clinician(api, deps):
    clinician(api, "dr-a")
    clinician(api, "dr-b", supervisor=None)
    api.patch("/api/v1/clinicians/dr-a", json={"caseload_limit": 5}, headers=ADMIN)  # no change of team
    api.patch("/api/v1/clinicians/dr-a", json={"supervisor": "sup-2"}, headers=ADMIN)
    api.patch("/api/v1/clinicians/dr-a", json={"supervisor": None}, headers=ADMIN)
    assert supervision_news(deps) == [("dr-a", "sup-1", None), ("dr-a", "sup-2", "sup-1"), ("dr-a", None, "sup-2")]
    assert {e.subject for e in deps.memory.outbox if e.type == "sessions.clinician.supervisor_changed"} == {"dr-a"}


def test_a_clinician_sees_only_their_own_caseload(api, deps):
    clinician(api, "dr-a")
    clinician(api, "dr-b", supervisor="sup-2")
    mine, theirs = admitted(deps, "c-1", "dr-a"), admitted(deps, "c-2", "dr-b")
    dr_a = headers("clinician", "dr-a")
    assert api.get(f"/api/v1/episodes/{mine}", headers=dr_a).status_code == 200
    assert api.get(f"/api/v1/episodes/{theirs}", headers=dr_a).status_code == 404
    assert api.get("/api/v1/episodes?client_id=c-2", headers=dr_a).get_json() == []
    assert api.get("/api/v1/clinicians/dr-b/caseload", headers=dr_a).status_code == 404
    assert [e["id"] for e in api.get("/api/v1/clinicians/dr-a/caseload", headers=dr_a).get_json()] == [mine]
    # A supervisor sees their team (dr-a reports to sup-1), not another team's.
    assert api.get(f"/api/v1/episodes/{mine}", headers=SUPERVISOR).status_code == 200
    assert api.get(f"/api/v1/episodes/{theirs}", headers=SUPERVISOR).status_code == 404
    assert api.get(f"/api/v1/episodes/{theirs}", headers=ADMIN).status_code == 200


def book(api, episode_id: str, start: datetime, count: int = 12, who=ADMIN):
    body = {
        "start": start.isoformat(),
        "duration_minutes": 50,
        "count": count,
        "frequency": "weekly",
        "modality": "video",
    }
    return api.post(f"/api/v1/episodes/{episode_id}/sessions", json=body, headers=who)


def test_a_course_is_booked_double_booking_is_refused_and_attendance_moves_the_phase(api, deps):
    clinician(api, "dr-a")
    episode = admitted(deps, "c-1", "dr-a")
    other = admitted(deps, "c-2", "dr-a")
    start = (datetime.now(UTC) - timedelta(days=85)).replace(hour=10, minute=0, second=0, microsecond=0)
    booked = book(api, episode, start)
    assert booked.status_code == 201, booked.get_json()
    sessions = booked.get_json()["sessions"]
    assert [s["number"] for s in sessions] == list(range(1, 13)) and {s["status"] for s in sessions} == {"scheduled"}
    clash = book(api, other, start + timedelta(minutes=30), count=2)
    assert clash.status_code == 409
    assert clash.get_json()["conflicts"][0] == {
        "start": (start + timedelta(minutes=30)).isoformat(),
        "reason": "clinician_double_booked",
    }
    assert deps.repos.sessions.for_episode(other) == []  # nothing of the series was booked
    phases = []
    for session in sessions[:10]:
        marked = api.patch(f"/api/v1/sessions/{session['id']}", json={"status": "attended"}, headers=ADMIN)
        assert marked.status_code == 200, marked.get_json()
        phases.append(api.get(f"/api/v1/episodes/{episode}", headers=ADMIN).get_json()["phase"])
    assert phases == [
        "initial",
        "initial",
        "middle",
        "middle",
        "middle",
        "middle",
        "middle",
        "middle",
        "termination",
        "termination",
    ]
    changed = [e.data["phase"] for e in deps.memory.outbox if e.type == "sessions.episode.phase_changed"]
    assert changed == ["middle", "termination"]
    again = api.patch(f"/api/v1/sessions/{sessions[0]['id']}", json={"status": "no_show"}, headers=ADMIN)
    assert again.status_code == 409


def test_attendance_before_the_start_and_late_cancellations(api, deps):
    clinician(api, "dr-a")
    episode = admitted(deps, "c-1", "dr-a")
    soon = next_ten_oclock()  # always within 24 h and ahead, and never across midnight
    [session] = book(api, episode, soon, count=1).get_json()["sessions"]
    early = api.patch(f"/api/v1/sessions/{session['id']}", json={"status": "attended"}, headers=ADMIN)
    assert early.status_code == 409
    cancelled = api.patch(
        f"/api/v1/sessions/{session['id']}", json={"status": "cancelled", "cancelled_by": "client"}, headers=ADMIN
    )
    assert cancelled.get_json()["late_cancellation"] is True


def test_the_calendar_feed_names_no_client(api, deps):
    clinician(api, "dr-a")
    client_id = "client-named-nowhere"  # not hex: it cannot turn up inside a random uid by chance
    episode = admitted(deps, client_id, "dr-a")
    book(api, episode, next_ten_oclock() + timedelta(days=1), count=2)
    feed = api.get("/api/v1/clinicians/dr-a/calendar.ics", headers=headers("clinician", "dr-a"))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    text = feed.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 2 and "IPT session 1 (by video)" in text
    assert client_id not in text and "Alex" not in text


PHQ9_ITEM9 = {"instrument": "phq9", "answers": [1, 1, 1, 1, 0, 0, 0, 0, 1], "extras": {"difficulty": 1}}


def attended_session(api, deps) -> dict:
    clinician(api, "dr-a")
    episode = admitted(deps, "c-1", "dr-a")
    [session] = book(api, episode, next_ten_oclock() - timedelta(days=2), count=1).get_json()["sessions"]
    assert api.patch(f"/api/v1/sessions/{session['id']}", json={"status": "attended"}, headers=ADMIN).status_code == 200
    return session


def test_a_documented_session_scores_its_measures_and_publishes_them(api, deps):
    session = attended_session(api, deps)
    record = {
        "phase": "initial",
        "focus": "grief",
        "interventions": ["sick role", "inventory"],
        "homework": "Note one conversation",
        "risk_review": "Passive thoughts, no plan",
        "measures": [PHQ9_ITEM9],
    }
    dr_a = headers("clinician", "dr-a")
    documented = api.put(f"/api/v1/sessions/{session['id']}/record", json=record, headers=dr_a)
    assert documented.status_code == 200, documented.get_json()
    [measure] = documented.get_json()["record"]["measures"]
    assert (measure["total"], measure["severity"], measure["risk_urgency"]) == (5, "mild", "high")
    again = api.put(f"/api/v1/sessions/{session['id']}/record", json=record, headers=dr_a)
    assert again.status_code == 200
    published = [e for e in deps.memory.outbox if e.type == "sessions.measure.recorded"]
    assert {e.data["measure_id"] for e in published} == {f"{session['id']}:phq9"}  # a correction, not a new one
    assert "answers" not in published[0].data


def test_a_record_names_every_bad_answer_and_needs_an_attended_session(api, deps):
    session = attended_session(api, deps)
    bad = {
        "phase": "initial",
        "measures": [{"instrument": "gad7", "answers": [1, 2]}, {"instrument": "nope", "answers": []}],
    }
    refused = api.put(f"/api/v1/sessions/{session['id']}/record", json=bad, headers=ADMIN)
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]["json"]
    assert "measures.0.answers.3" in errors and "measures.1.instrument" in errors
    episode = deps.repos.episodes.for_client("c-1")[0].id
    [later] = book(api, episode, next_ten_oclock() + timedelta(days=2), count=1).get_json()["sessions"]
    early = api.put(f"/api/v1/sessions/{later['id']}/record", json={"phase": "initial"}, headers=ADMIN)
    assert early.status_code == 409


def test_the_caseload_lists_clients_at_risk_first_until_their_flag_is_cleared(api, deps):
    clinician(api, "dr-a", caseload_limit=5)
    admitted(deps, "c-1", "dr-a")
    admitted(deps, "c-2", "dr-a")
    deliver(deps, "intake.risk.flagged", client_id="c-2", flag_id="f-2", urgency="high")
    dr_a = headers("clinician", "dr-a")
    caseload = api.get("/api/v1/clinicians/dr-a/caseload", headers=dr_a).get_json()
    assert [(e["client_id"], e["open_risk"]) for e in caseload] == [("c-2", "high"), ("c-1", None)]
    deliver(deps, "intake.risk.cleared", client_id="c-2", flag_id="f-2")
    deliver(deps, "intake.risk.flagged", client_id="c-2", flag_id="f-2", urgency="high")  # late: stays cleared
    caseload = api.get("/api/v1/clinicians/dr-a/caseload", headers=dr_a).get_json()
    assert {e["client_id"]: e["open_risk"] for e in caseload} == {"c-1": None, "c-2": None}


def test_a_calendar_app_subscribes_with_a_link_that_opens_nothing_else_and_can_be_revoked(api, deps):
    clinician(api, "dr-a")
    clinician(api, "dr-b")
    dr_a = headers("clinician", "dr-a")
    assert api.post("/api/v1/clinicians/dr-b/calendar-feed", headers=dr_a).status_code == 404  # only one's own
    made = api.post("/api/v1/clinicians/dr-a/calendar-feed", headers=dr_a)
    assert made.status_code == 201
    link = made.get_json()["url"]
    assert "/api/v1/clinicians/dr-a/calendar.ics?access_token=" in link
    feed_token = link.split("access_token=")[1]
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={feed_token}").status_code == 200
    assert api.get(f"/api/v1/clinicians/dr-b/calendar.ics?access_token={feed_token}").status_code == 404
    bearer = {"Authorization": f"Bearer {feed_token}"}
    assert api.get("/api/v1/clinicians/dr-a/caseload", headers=bearer).status_code == 403
    full_token = issue_token(SECRET, "dr-a", "clinician")
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={full_token}").status_code == 401
    assert api.get(f"/api/v1/clinicians/dr-a/caseload?access_token={feed_token}").status_code == 401
    # A new link ends the old one; the supervisor can stop the new one too (a lost phone).
    newer = api.post("/api/v1/clinicians/dr-a/calendar-feed", headers=dr_a).get_json()["url"].split("=")[1]
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={feed_token}").status_code == 404
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={newer}").status_code == 200
    assert api.delete("/api/v1/clinicians/dr-a/calendar-feed", headers=SUPERVISOR).status_code == 204
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={newer}").status_code == 404
    # A calendar token made outside the platform, naming no live feed, opens nothing.
    forged = issue_token(SECRET, "dr-a", "clinician", timedelta(days=1), scope="calendar")
    assert api.get(f"/api/v1/clinicians/dr-a/calendar.ics?access_token={forged}").status_code == 404
    assert "calendar_feed" not in api.get("/api/v1/clinicians/dr-a", headers=dr_a).get_json()


def group_body(start: datetime, **changes) -> dict:
    return {
        "name": "Tuesday group",
        "program": "co_occurring",
        "clinician_id": "dr-a",
        "co_facilitator_id": "dr-b",
        "capacity": 2,
        "start": start.isoformat(),
        "duration_minutes": 90,
        "count": 8,
        "frequency": "weekly",
        "modality": "in_person",
    } | changes


def test_a_group_takes_members_until_full_and_each_has_a_place_at_every_meeting(api, deps):
    clinician(api, "dr-a", caseload_limit=10)
    clinician(api, "dr-b", caseload_limit=10)
    start = (datetime.now(UTC) + timedelta(days=7)).replace(hour=15, minute=0, second=0, microsecond=0)
    created = api.post("/api/v1/groups", json=group_body(start), headers=SUPERVISOR)
    assert created.status_code == 201, created.get_json()
    group = created.get_json()
    assert len(group["meetings"]) == 8 and group["places_left"] == 2
    episodes = [admitted(deps, f"c-{n}", "dr-a") for n in range(3)]
    pre_group = (start - timedelta(days=3)).isoformat()
    joined = api.post(
        f"/api/v1/groups/{group['id']}/members",
        json={"episode_id": episodes[0], "pre_group_start": pre_group},
        headers=SUPERVISOR,
    )
    assert joined.status_code == 201, joined.get_json()
    kinds = [s["kind"] for s in joined.get_json()["sessions"]]
    assert kinds == ["group"] * 8 + ["pre_group"]
    assert joined.get_json()["group"]["members"][0]["pre_group_session_id"] is not None
    second = api.post(f"/api/v1/groups/{group['id']}/members", json={"episode_id": episodes[1]}, headers=SUPERVISOR)
    assert second.status_code == 201  # two members' places at the same meeting do not clash
    full = api.post(f"/api/v1/groups/{group['id']}/members", json={"episode_id": episodes[2]}, headers=SUPERVISOR)
    assert full.status_code == 409 and "full" in full.get_json()["message"]


def test_a_group_refuses_another_program_and_clashing_meetings(api, deps):
    clinician(api, "dr-a", programs=["co_occurring", "mental_health"], caseload_limit=10)
    clinician(api, "dr-b", caseload_limit=10)
    start = (datetime.now(UTC) + timedelta(days=7)).replace(hour=15, minute=0, second=0, microsecond=0)
    group = api.post("/api/v1/groups", json=group_body(start, program="mental_health"), headers=SUPERVISOR).get_json()
    episode = admitted(deps, "c-1", "dr-a")  # co_occurring
    refused = api.post(f"/api/v1/groups/{group['id']}/members", json={"episode_id": episode}, headers=SUPERVISOR)
    assert refused.status_code == 409 and "program" in refused.get_json()["message"]
    clash = api.post(
        "/api/v1/groups", json=group_body(start + timedelta(minutes=30), name="Overlap"), headers=SUPERVISOR
    )
    assert clash.status_code == 409 and clash.get_json()["conflicts"][0]["reason"] == "clinician_double_booked"
    individual = book(api, episode, start, count=1)  # dr-a's own client, at the group's time
    assert individual.status_code == 409


def test_attendance_is_recorded_per_member_and_moves_each_members_course(api, deps, monkeypatch):
    from services.sessions.entrypoints import api as routes

    now = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # a fixed clock: meeting 1 (15:30-17:00) is under way
    monkeypatch.setattr(routes, "utcnow", lambda: now)
    clinician(api, "dr-a", caseload_limit=10)
    clinician(api, "dr-b", caseload_limit=10)
    start = now - timedelta(minutes=30)
    group = api.post("/api/v1/groups", json=group_body(start), headers=SUPERVISOR).get_json()
    first, second = admitted(deps, "c-1", "dr-a"), admitted(deps, "c-2", "dr-a")
    for episode in (first, second):
        api.post(f"/api/v1/groups/{group['id']}/members", json={"episode_id": episode}, headers=SUPERVISOR)
    meeting_one = [s for s in deps.repos.sessions.of_group(group["id"]) if s.number == 1]
    attended = {s.episode_id: s for s in meeting_one}
    api.patch(f"/api/v1/sessions/{attended[first].id}", json={"status": "attended"}, headers=ADMIN)
    api.patch(f"/api/v1/sessions/{attended[second].id}", json={"status": "no_show"}, headers=ADMIN)
    assert deps.repos.episodes.get(first).attended_sessions == 1
    assert deps.repos.episodes.get(second).attended_sessions == 0


def test_the_caseload_shows_latest_scores_and_next_session_and_the_chart_draws_them(api, deps):
    import xml.etree.ElementTree as ElementTree

    clinician(api, "dr-a")
    episode = admitted(deps, "c-1", "dr-a")
    deliver(
        deps,
        "intake.screening.completed",
        client_id="c-1",
        screening_id="s-1",
        instrument="phq9",
        total=18,
        severity="moderately_severe",
    )
    session = attended_session_of(api, episode)
    record = {
        "phase": "initial",
        "measures": [PHQ9_ITEM9 | {"answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}, {"instrument": "gad7", "answers": [1] * 7}],
    }
    assert api.put(f"/api/v1/sessions/{session['id']}/record", json=record, headers=ADMIN).status_code == 200
    upcoming = next_ten_oclock() + timedelta(days=3)
    book(api, episode, upcoming, count=1)
    [entry] = api.get("/api/v1/clinicians/dr-a/caseload", headers=headers("clinician", "dr-a")).get_json()
    assert (entry["latest_phq9"]["total"], entry["latest_phq9"]["session_number"]) == (8, session["number"])
    assert entry["latest_gad7"]["total"] == 7 and entry["next_session"] == upcoming.isoformat()
    chart = api.get(f"/api/v1/episodes/{episode}/trajectory.svg", headers=headers("clinician", "dr-a"))
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    svg = ElementTree.fromstring(chart.get_data(as_text=True))
    assert "PHQ-9 from 18" in "".join(svg.itertext()) and "c-1" not in chart.get_data(as_text=True)
    other = headers("clinician", "dr-z")
    assert api.get(f"/api/v1/episodes/{episode}/trajectory.svg", headers=other).status_code == 404


def attended_session_of(api, episode_id: str) -> dict:
    [session] = book(api, episode_id, next_ten_oclock() - timedelta(days=2), count=1).get_json()["sessions"]
    assert api.patch(f"/api/v1/sessions/{session['id']}", json={"status": "attended"}, headers=ADMIN).status_code == 200
    return session


def test_a_client_already_booked_at_a_meeting_time_is_not_added(api, deps):
    clinician(api, "dr-a", caseload_limit=10)
    clinician(api, "dr-b", caseload_limit=10)
    start = next_ten_oclock() + timedelta(days=7)
    episode = admitted(deps, "c-1", "dr-a")
    assert book(api, episode, start + timedelta(weeks=2), count=1).status_code == 201  # meeting 3's time
    group = api.post(
        "/api/v1/groups", json=group_body(start, clinician_id="dr-b", co_facilitator_id=None), headers=SUPERVISOR
    ).get_json()
    refused = api.post(f"/api/v1/groups/{group['id']}/members", json={"episode_id": episode}, headers=SUPERVISOR)
    assert refused.status_code == 409
    assert refused.get_json()["conflicts"] == [
        {"start": (start + timedelta(weeks=2)).isoformat(), "reason": "client_double_booked"}
    ]
    assert deps.repos.sessions.of_group(group["id"]) == []


def test_another_clinician_reaches_nothing_of_a_clients_course_by_any_route(api, deps):
    """Every route naming an episode, a session, a group or a clinician's caseload, enumerated from the
    app: a clinician of another team (dr-c) is refused (404, or 403 for managers' routes), and the
    lists hold nothing of dr-a's."""
    clinician(api, "dr-a", caseload_limit=10)
    clinician(api, "dr-c", supervisor="sup-2")
    episode = admitted(deps, "c-1", "dr-a")
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    [session] = book(api, episode, start, count=1).get_json()["sessions"]
    group = api.post(
        "/api/v1/groups", json=group_body(start + timedelta(days=1), co_facilitator_id=None), headers=SUPERVISOR
    ).get_json()
    ids = {"episode_id": episode, "session_id": session["id"], "group_id": group["id"], "clinician_id": "dr-a"}
    app = api.application
    routes = sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        and set(rule.arguments) & set(ids)
        and rule.endpoint != "clinicians.ClinicianById"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )
    assert len(routes) == 15
    other = headers("clinician", "dr-c")
    # Valid bodies, so that what refuses is who asks, not what they sent.
    later = (start + timedelta(days=3)).isoformat()
    series = {"start": later, "duration_minutes": 50, "count": 1, "frequency": "weekly", "modality": "video"}
    bodies = {
        ("POST", "/api/v1/episodes/<episode_id>/sessions"): series,
        ("PATCH", "/api/v1/episodes/<episode_id>"): {"planned_sessions": 12},
        ("PATCH", "/api/v1/sessions/<session_id>"): {"start": later},
        ("PUT", "/api/v1/sessions/<session_id>/record"): {"phase": "initial"},
        ("POST", "/api/v1/groups/<group_id>/members"): {"episode_id": episode},
    }
    for rule, method in routes:
        url = re.sub(r"<(\w+)>", lambda m: ids[m.group(1)], rule)
        week = {"from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()}
        query = week if rule.endswith("/schedule") else None
        body = bodies.get((method, rule), {})
        status = api.open(url, method=method, json=body, query_string=query, headers=other).status_code
        assert status in (403, 404), (method, rule, status)
    assert api.get("/api/v1/episodes?client_id=c-1", headers=other).get_json() == []
    assert api.get("/api/v1/groups", headers=other).get_json() == []
    assert [g["id"] for g in api.get("/api/v1/groups", headers=headers("clinician", "dr-a")).get_json()] == [
        group["id"]
    ]


def test_announcing_teams_again_tells_every_service_each_clinicians_supervisor(api, deps):
    clinician(api, "dr-a")
    clinician(api, "dr-b", supervisor=None)
    deps.memory.outbox.clear()
    assert handlers.announce_teams(utcnow(), deps.uow(), deps.repos) == 2
    assert sorted(supervision_news(deps)) == [("dr-a", "sup-1", "sup-1"), ("dr-b", None, None)]
