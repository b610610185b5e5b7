"""The clinician workspace under an emergency grant from intake: Dr B, who does not treat Dr A's
client, reads the chart and the session pages read only, with a banner, and every page read is
on the audit trail with the grant; changes are refused politely; nothing opens once it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.audit import AuditQuery
from shared.audit_api import AUDIT_KEY
from tests.unit.sessions import test_sessions_workspace as workspace
from tests.unit.sessions.test_sessions_api import deliver, next_ten_oclock
from tests.unit.sessions.test_sessions_workspace import book, post, sign_in, text_of

# The workspace's fixtures: the app on fake storage, its users, and Dr A's admitted client.
deps, clock, app, web, api, course = (
    workspace.deps,
    workspace.clock,
    workspace.app,
    workspace.web,
    workspace.api,
    workspace.course,
)

CLIENT = "client-alex"  # the course fixture's client, Dr A's


def grant(deps, staff_id: str = "dr-b", expires_in: timedelta = timedelta(hours=1)) -> datetime:
    now = datetime.now(UTC)
    expires = now + expires_in
    deliver(
        deps,
        "intake.emergency_access.granted",
        grant_id="grant-1",
        client_id=CLIENT,
        staff_id=staff_id,
        granted_at=(now - timedelta(minutes=1)).isoformat(),
        expires_at=expires.isoformat(),
    )
    return expires


def booked_session(web, deps, course) -> str:
    """Dr A books one session; then Dr B is the one signed in."""
    sign_in(web, "dr-a")
    book(web, course, next_ten_oclock() + timedelta(days=2))
    [session] = deps.repos.sessions.for_episode(course)
    post(web, "/ui/logout", {}, "/ui/")
    sign_in(web, "dr-b")
    return session.id


def test_the_chart_opens_under_a_grant_read_only_with_the_banner(web, deps, course):
    sign_in(web, "dr-b")
    assert web.get(f"/ui/episodes/{course}").status_code == 404
    expires = grant(deps)

    chart = web.get(f"/ui/episodes/{course}")

    assert chart.status_code == 200
    assert f"Emergency access until {expires.strftime('%H:%M')}" in text_of(chart.text)
    assert f"/ui/episodes/{course}/sessions" not in chart.text and "Book sessions" not in chart.text
    assert "Read only under emergency access" in text_of(chart.text)
    # Dr A, whose client it is, sees no banner and books as ever.
    dr_a = web.application.test_client()
    sign_in(dr_a, "dr-a")
    own = dr_a.get(f"/ui/episodes/{course}")
    assert "Emergency access until" not in own.text and f"/ui/episodes/{course}/sessions" in own.text


def test_the_client_id_from_intake_opens_the_chart_under_the_grant(web, deps, course):
    sign_in(web, "dr-b")
    assert web.get(f"/ui/clients/{CLIENT}").status_code == 404
    grant(deps)
    opened = web.get(f"/ui/clients/{CLIENT}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/ui/episodes/{course}"


def test_the_audit_record_of_each_page_read_under_the_grant_names_it(web, app, deps, course):
    session_id = booked_session(web, deps, course)
    grant(deps)

    assert web.get(f"/ui/clients/{CLIENT}").status_code == 302
    assert web.get(f"/ui/episodes/{course}").status_code == 200
    assert web.get(f"/ui/sessions/{session_id}").status_code == 200

    records, _ = app.extensions[AUDIT_KEY].find(AuditQuery(client_id=CLIENT, actor="dr-b"))
    assert [(r.action, r.emergency_grant) for r in reversed(records)] == [
        ("GET ui.client_chart", "grant-1"),
        ("GET ui.chart", "grant-1"),
        ("GET ui.session", "grant-1"),
    ]
    found, reads = app.extensions[AUDIT_KEY].find(AuditQuery(emergency_grant="grant-1"))
    assert reads == 3


def test_booking_moving_cancelling_and_documenting_are_refused_under_the_grant(web, deps, course):
    session_id = booked_session(web, deps, course)
    grant(deps)
    before = deps.repos.sessions.get(session_id)

    page = web.get(f"/ui/sessions/{session_id}")
    assert page.status_code == 200 and "Emergency access until" in text_of(page.text)
    assert f"/ui/sessions/{session_id}/reschedule" not in page.text
    assert f"/ui/sessions/{session_id}/cancel" not in page.text
    start = next_ten_oclock() + timedelta(days=5)
    chart_url = f"/ui/episodes/{course}"
    changes = {
        f"/ui/episodes/{course}/sessions": {"date": start.date().isoformat(), "time": "10:00", "modality": "video"},
        f"/ui/sessions/{session_id}/reschedule": {"date": start.date().isoformat(), "time": "11:00"},
        f"/ui/sessions/{session_id}/cancel": {"cancelled_by": "clinic"},
        f"/ui/sessions/{session_id}/attendance": {"status": "attended"},
        f"/ui/sessions/{session_id}/record": {"phase": "initial"},
    }
    for url, form in changes.items():
        refused = post(web, url, form, chart_url)
        assert refused.status_code == 403, url
        assert "Emergency access is read only" in text_of(refused.text) and "Nothing was saved" in text_of(refused.text)
    assert web.get(f"/ui/sessions/{session_id}/record").status_code == 403
    assert deps.repos.sessions.for_episode(course) == [before]


def test_an_expired_grant_opens_nothing_and_another_clinicians_grant_nothing_to_dr_b(web, deps, course):
    sign_in(web, "dr-b")
    grant(deps, expires_in=timedelta(seconds=-1))
    assert web.get(f"/ui/episodes/{course}").status_code == 404
    assert web.get(f"/ui/episodes/{course}/sessions").status_code in (404, 405)
    deliver(
        deps,
        "intake.emergency_access.granted",
        grant_id="grant-2",
        client_id=CLIENT,
        staff_id="dr-c",
        granted_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        expires_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    )
    assert web.get(f"/ui/episodes/{course}").status_code == 404
    assert web.get(f"/ui/clients/{CLIENT}").status_code == 404
