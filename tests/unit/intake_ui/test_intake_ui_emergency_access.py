"""Emergency ("break glass") access in the intake staff pages: a clinician asks by client id or by
exact name and date of birth, with a reason, and reads the record (read only, with a banner);
supervisors and admin review the grants, never their own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.intake import bootstrap, handlers
from services.intake.entrypoints.ui import USERS_KEY
from shared.audit import AuditQuery
from shared.audit_api import AUDIT_KEY
from shared.config import Settings
from shared.envelope import utcnow
from shared.users import InMemoryUserStore
from tests.support.events import assign_in_intake
from tests.unit.domain.conftest import NOW, registration
from tests.unit.intake_ui.conftest import SECRET
from tests.unit.intake_ui.test_intake_ui_pages import PASSWORD, csrf_from, text_of

ACCOUNTS = {"nurse": "intake", "dr-a": "clinician", "dr-b": "clinician", "lead": "supervisor", "root": "admin"}
REASON = "Client phoned the crisis line at 2am; their clinician is away"
BORN = "1990-05-17"


@pytest.fixture
def deps():
    return bootstrap.fake_dependencies()


@pytest.fixture
def app(deps, clock) -> Flask:
    users = InMemoryUserStore(clock=clock)
    for name, role in ACCOUNTS.items():
        users.add(name, role, PASSWORD)
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    app = bootstrap.create_app(settings, deps=deps)
    app.extensions[USERS_KEY] = users
    return app


def signed_in(app: Flask, username: str) -> FlaskClient:
    web = app.test_client()
    token = csrf_from(web.get("/ui/login").text)
    response = web.post("/ui/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return web


def send(web: FlaskClient, url: str, data: dict[str, str], page_url: str = "/ui/emergency-access"):
    return web.post(url, data={**data, "csrf_token": csrf_from(web.get(page_url).text)})


def add_client(deps, program: str = "co_occurring", **names) -> str:
    """A client of Dr A's (so outside Dr B's caseload)."""
    client = handlers.register_client(
        registration(program=program, **names), "nurse", NOW, deps.uow(), deps.repos, allow_duplicate=True
    )
    assign_in_intake(deps, client.id, "dr-a", episode_id=f"episode-{client.id}")
    return client.id


@pytest.fixture
def client_id(deps) -> str:
    return add_client(deps)


def ask(web: FlaskClient, **form: str):
    return send(web, "/ui/emergency-access", {"reason": REASON, **form})


def grants(deps) -> list:
    return deps.repos.grants.listed(None, None, None, 0, 0)[0]


def test_a_clinician_finds_the_page_in_the_menu_and_where_a_search_finds_nobody(app, client_id):
    dr_b = signed_in(app, "dr-b")
    queue = dr_b.get("/ui/")
    assert 'href="/ui/emergency-access"' in queue.text and "Emergency access review" not in queue.text
    searched = send(dr_b, "/ui/", {"q": "Sam Rivera"}, "/ui/")
    assert "No client matches" in text_of(searched.text)
    assert re.search(r'id="emergency-access-hint".*href="/ui/emergency-access"', searched.text)
    page = dr_b.get("/ui/emergency-access")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "recorded" in words and "60 minutes" in words and "A supervisor reviews" in words
    assert 'id="f-reason"' in page.text and 'aria-required="true"' in page.text
    nurse = signed_in(app, "nurse")
    assert "/ui/emergency-access" not in nurse.get("/ui/").text
    assert nurse.get("/ui/emergency-access").status_code == 403


def test_a_grant_by_client_id_opens_the_record_read_only_with_its_banner(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")
    assert dr_b.get(f"/ui/clients/{client_id}").status_code == 404

    asked = ask(dr_b, client_id=client_id)

    assert asked.status_code == 302 and asked.headers["Location"] == f"/ui/clients/{client_id}"
    [grant] = grants(deps)
    assert (grant.client_id, grant.staff_id, grant.reason) == (client_id, "dr-b", REASON)
    record = dr_b.get(f"/ui/clients/{client_id}")
    assert record.status_code == 200
    until = grant.expires_at.astimezone(deps.time_zone).strftime("%H:%M")
    assert f"Emergency access until {until}" in text_of(record.text)
    assert "Sam Rivera" in record.text
    for change in ("/edit", "/risk-flags", "/consents", "/admission", "/assessment", "/screenings/new/"):
        assert f"/ui/clients/{client_id}{change}" not in record.text, change
    # The clinician who treats the client sees no banner and every form.
    own = signed_in(app, "dr-a").get(f"/ui/clients/{client_id}")
    assert "Emergency access until" not in own.text and f"/ui/clients/{client_id}/edit" in own.text


def test_pages_that_change_the_record_are_refused_politely_under_the_grant(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")
    ask(dr_b, client_id=client_id)
    page_url = f"/ui/clients/{client_id}"
    before = deps.repos.clients.get(client_id)

    for form_page in ("edit", "admission", "assessment", "screenings/new/phq9"):
        refused = dr_b.get(f"{page_url}/{form_page}")
        assert refused.status_code == 403, form_page
        assert "Emergency access is read only" in text_of(refused.text)
    flagged = send(dr_b, f"{page_url}/risk-flags", {"urgency": "high", "note": "seen"}, page_url)
    corrected = send(dr_b, f"{page_url}/edit", {"given_name": "Samuel"}, page_url)

    assert flagged.status_code == corrected.status_code == 403
    assert "Nothing was saved" in text_of(flagged.text)
    assert deps.repos.clients.get(client_id) == before
    # Without a grant, the same pages stay "not found": the refusal tells nobody else anything.
    other = add_client(deps, given_name="Robin")
    assert dr_b.get(f"/ui/clients/{other}/edit").status_code == 404
    assert signed_in(app, "dr-a").get(f"/ui/clients/{other}/edit").status_code == 200


def test_a_grant_by_exact_name_and_date_of_birth(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")

    asked = ask(dr_b, given_name="sam", family_name="RIVERA", date_of_birth=BORN)

    assert asked.status_code == 302 and asked.headers["Location"] == f"/ui/clients/{client_id}"
    assert [grant.client_id for grant in grants(deps)] == [client_id]


def test_nobody_found_by_name_and_date_of_birth_is_said_and_nothing_granted(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")

    asked = ask(dr_b, given_name="Sam", family_name="Rivera", date_of_birth="1990-05-18")

    assert asked.status_code == 422
    assert "No client is registered with this name and date of birth" in text_of(asked.text)
    assert 'class="error-summary"' in asked.text and 'href="#f-given-name"' in asked.text
    assert grants(deps) == []


def test_several_found_are_listed_to_pick_by_id_date_of_birth_and_program_only(app, deps, client_id):
    twin = add_client(deps, program="mental_health")
    dr_b = signed_in(app, "dr-b")

    listed = ask(dr_b, given_name="Sam", family_name="Rivera", date_of_birth=BORN)

    assert listed.status_code == 200 and grants(deps) == []
    words = text_of(listed.text)
    assert "2 clients have this name and date of birth" in words
    assert client_id in words and twin in words and "Mental health" in words and "17 May 1990" in words
    assert "s@example.org" not in listed.text and "+15550101" not in listed.text  # nothing beyond what was typed
    assert f'name="chosen" value="{twin}"' in listed.text and REASON in listed.text  # the reason stays typed

    picked = ask(dr_b, given_name="Sam", family_name="Rivera", date_of_birth=BORN, chosen=twin)

    assert picked.status_code == 302 and picked.headers["Location"] == f"/ui/clients/{twin}"
    assert [grant.client_id for grant in grants(deps)] == [twin]


def test_a_reason_too_short_or_no_client_named_is_refused_with_the_fields_named(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")

    short = send(dr_b, "/ui/emergency-access", {"client_id": client_id, "reason": "urgent"})
    unnamed = ask(dr_b)
    half = ask(dr_b, given_name="Sam", date_of_birth="1990-02-31")
    unknown = ask(dr_b, client_id="no-such-client")

    assert short.status_code == unnamed.status_code == half.status_code == unknown.status_code == 422
    assert "10 to 500 characters" in text_of(short.text) and 'href="#f-reason"' in short.text
    assert 'aria-invalid="true"' in short.text
    assert 'href="#f-client-id"' in unnamed.text
    assert 'href="#f-family-name"' in half.text and 'href="#f-date-of-birth"' in half.text
    assert "No client has this id" in text_of(unknown.text)
    assert grants(deps) == []


def test_a_search_for_a_grant_posts_and_puts_no_name_in_a_url(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")
    page = dr_b.get("/ui/emergency-access").text
    assert re.search(r'<form method="post" action="/ui/emergency-access"', page)
    asked = ask(dr_b, given_name="Sam", family_name="Rivera", date_of_birth=BORN)
    assert "Sam" not in asked.headers["Location"] and BORN not in asked.headers["Location"]


def test_the_form_needs_the_session_csrf_token_and_this_site_as_origin(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")
    assert dr_b.post("/ui/emergency-access", data={"client_id": client_id, "reason": REASON}).status_code == 400
    token = csrf_from(dr_b.get("/ui/emergency-access").text)
    foreign = dr_b.post(
        "/ui/emergency-access",
        data={"client_id": client_id, "reason": REASON, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403 and grants(deps) == []


def test_reads_under_the_grant_are_on_the_audit_trail_with_the_grant(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")
    ask(dr_b, client_id=client_id)
    [grant] = grants(deps)
    dr_b.get(f"/ui/clients/{client_id}")
    records, _ = app.extensions[AUDIT_KEY].find(AuditQuery(client_id=client_id, actor="dr-b"))
    actions = [(r.action, r.emergency_grant) for r in reversed(records)]
    assert ("POST ui.emergency_access", None) in actions
    assert ("GET ui.client", grant.id) in actions


def test_the_banner_goes_when_the_grant_expires(app, deps, client_id):
    dr_b = signed_in(app, "dr-b")
    ask(dr_b, client_id=client_id)
    [grant] = grants(deps)
    grant.granted_at, grant.expires_at = grant.granted_at - timedelta(hours=3), grant.expires_at - timedelta(hours=3)
    uow = deps.uow()
    deps.repos.grants.save(grant, uow)
    uow.commit()
    assert dr_b.get(f"/ui/clients/{client_id}").status_code == 404
    assert dr_b.get(f"/ui/clients/{client_id}/edit").status_code == 404


# -- the review ----------------------------------------------------------------------------------
def granted(deps, client_id: str, staff_id: str = "dr-b") -> str:
    grant, _ = handlers.break_glass(client_id, REASON, staff_id, utcnow(), 60, deps.uow(), deps.repos)
    return grant.id


def test_the_review_list_is_for_supervisors_and_admin_only(app, deps, client_id):
    granted(deps, client_id)
    for name in ("dr-b", "nurse"):
        web = signed_in(app, name)
        assert "/ui/emergency-access/review" not in web.get("/ui/").text
        assert web.get("/ui/emergency-access/review").status_code == 403
    for name in ("lead", "root"):
        web = signed_in(app, name)
        assert 'href="/ui/emergency-access/review"' in web.get("/ui/").text
        listed = web.get("/ui/emergency-access/review")
        assert listed.status_code == 200
        words = text_of(listed.text)
        assert "dr-b read Sam Rivera" in words and REASON in words and client_id in words
        assert f'href="/ui/clients/{client_id}"' in listed.text
        assert "Granted at" in words and "Expires at" in words and "Reads" in words


def test_a_review_is_recorded_and_leaves_the_list_of_those_awaiting_it(app, deps, client_id):
    grant_id = granted(deps, client_id)
    lead = signed_in(app, "lead")
    review = f"/ui/emergency-access/{grant_id}/review"

    empty = send(lead, review, {"note": " "}, "/ui/emergency-access/review")
    done = send(lead, review, {"note": "Checked with the on-call lead: justified."}, "/ui/emergency-access/review")

    assert empty.status_code == 422 and 'class="error-summary"' in empty.text
    assert done.status_code == 302 and done.headers["Location"] == "/ui/emergency-access/review"
    stored = deps.repos.grants.get(grant_id)
    assert (stored.reviewed_by, stored.review_note) == ("lead", "Checked with the on-call lead: justified.")
    assert "Every emergency access has been reviewed" in text_of(lead.get("/ui/emergency-access/review").text)
    everything = text_of(lead.get("/ui/emergency-access/review?show=all").text)
    assert "by lead: Checked with the on-call lead: justified." in everything
    again = send(lead, review, {"note": "Twice"}, "/ui/emergency-access/review")
    assert again.status_code == 409


def test_the_grantee_sees_no_review_form_for_their_own_grant_and_cannot_review_it(app, deps, client_id):
    own = granted(deps, client_id, staff_id="lead")
    other = granted(deps, add_client(deps, given_name="Robin"))
    lead = signed_in(app, "lead")

    listed = lead.get("/ui/emergency-access/review").text

    assert f"/ui/emergency-access/{own}/review" not in listed and f"/ui/emergency-access/{other}/review" in listed
    assert "Your own grant" in text_of(listed)
    refused = send(lead, f"/ui/emergency-access/{own}/review", {"note": "Fine by me"}, "/ui/emergency-access/review")
    assert refused.status_code == 403 and deps.repos.grants.get(own).reviewed_at is None


def test_the_review_list_is_on_the_audit_trail(app, deps, client_id):
    granted(deps, client_id)
    signed_in(app, "lead").get("/ui/emergency-access/review")
    records, _ = app.extensions[AUDIT_KEY].find(AuditQuery(client_id=client_id, actor="lead"))
    assert [r.action for r in records] == ["GET ui.emergency_review"]
