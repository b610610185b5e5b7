"""Two users, one client, every staff page that names a client: the one who may not know of the
client gets the page of a record that does not exist; the work queue and search hold only theirs."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.intake import bootstrap, handlers
from services.intake.domain.client import ADMITTED
from services.intake.entrypoints.ui import USERS_KEY
from shared.config import Settings
from shared.users import InMemoryUserStore
from tests.support.events import assign_in_intake, supervise
from tests.unit.domain.conftest import NOW, registration

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
PASSWORD = "correct horse battery staple"
ACCOUNTS = {"nurse": "intake", "dr-a": "clinician", "dr-b": "clinician", "lead": "supervisor", "lead-b": "supervisor"}


@pytest.fixture
def deps():
    """dr-a is on lead's team, dr-b on lead-b's, as sessions announces it."""
    deps = bootstrap.fake_dependencies()
    supervise(bootstrap, deps, "dr-a", "lead")
    supervise(bootstrap, deps, "dr-b", "lead-b")
    return deps


@pytest.fixture
def app(deps, clock) -> Flask:
    users = InMemoryUserStore(clock=clock)
    for name, role in ACCOUNTS.items():
        users.add(name, role, PASSWORD)
    app = bootstrap.create_app(
        Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"}), deps=deps
    )
    app.extensions[USERS_KEY] = users
    return app


def signed_in(app: Flask, username: str) -> FlaskClient:
    web = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/ui/login").text).group(1)
    response = web.post("/ui/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return web


def csrf(web: FlaskClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', web.get("/ui/").text).group(1)


def add_client(deps, admitted_to: str | None = None, **names: str) -> str:
    client = handlers.register_client(registration(**names), "nurse", NOW, deps.uow(), deps.repos)
    flag = handlers.flag_risk(client.id, "high", None, "nurse", NOW, deps.uow(), deps.repos)
    assert flag.is_open
    if admitted_to:
        stored = deps.repos.clients.get(client.id)
        stored.status = ADMITTED
        uow = deps.uow()
        deps.repos.clients.save(stored, uow)
        uow.commit()
        assign_in_intake(deps, client.id, admitted_to)
    return client.id


def stored(deps) -> dict:
    return {name: documents for name, documents in deps.memory.snapshot().items() if documents and name != "audit"}


def client_pages(app: Flask, client_id: str, flag_id: str) -> list[tuple[str, str]]:
    ids = {"client_id": client_id, "flag_id": flag_id, "consent_id": "c-1", "screening_id": "s-1", "code": "phq9"}
    return sorted(
        (method, re.sub(r"<(\w+)>", lambda m: ids[m.group(1)], rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/ui/") and "<client_id>" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def test_every_page_naming_anothers_client_is_not_found(app, deps):
    client_id = add_client(deps, admitted_to="dr-a")
    [flag] = deps.repos.clients.get(client_id).risk_flags
    before = stored(deps)
    pages = client_pages(app, client_id, flag.id)
    assert len(pages) == 14
    for who in ("dr-b", "nurse", "lead-b"):
        web = signed_in(app, who)
        token = csrf(web)
        for method, url in pages:
            response = web.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 404 and "<h1>Not found</h1>" in response.text, (who, method, url)
    assert stored(deps) == before
    assert signed_in(app, "dr-a").get(f"/ui/clients/{client_id}").status_code == 200
    assert signed_in(app, "lead").get(f"/ui/clients/{client_id}").status_code == 200


def test_the_work_queue_and_search_show_each_person_only_their_clients(app, deps):
    mine = add_client(deps, admitted_to="dr-a", family_name="Mine")
    theirs = add_client(deps, admitted_to="dr-b", family_name="Theirs")
    waiting = add_client(deps, family_name="Waiting")
    expected = {
        "dr-a": {mine},
        "dr-b": {theirs},
        "nurse": {waiting},
        "lead": {mine, waiting},
        "lead-b": {theirs, waiting},
    }
    for who, clients in expected.items():
        web = signed_in(app, who)
        queued = set(re.findall(r'data-client-id="([^"]+)"', web.get("/ui/").text))
        assert queued == clients, who
        found = web.post("/ui/", data={"q": "sam", "csrf_token": csrf(web)}).text
        assert set(re.findall(r'href="/ui/clients/([0-9a-f-]{36})"', found)) == clients, who


def test_intake_staff_find_an_admitted_client_by_name_and_birth_date_without_opening_it(app, deps):
    admitted = add_client(deps, admitted_to="dr-a")
    web = signed_in(app, "nurse")
    page = web.post("/ui/", data={"q": "Sam Rivera", "born": "1990-05-17", "csrf_token": csrf(web)}).text
    assert "1 client found" in page and "a record you cannot open; a supervisor can" in page
    assert f"/ui/clients/{admitted}" not in page
    wrong_day = web.post("/ui/", data={"q": "Sam Rivera", "born": "1990-05-18", "csrf_token": csrf(web)}).text
    assert "0 clients found" in wrong_day
    not_a_date = web.post("/ui/", data={"q": "Sam Rivera", "born": "17/05/1990", "csrf_token": csrf(web)}).text
    assert "Enter a real date" in not_a_date and 'aria-invalid="true"' in not_a_date


def test_a_duplicate_of_an_admitted_client_is_named_without_a_link_for_intake_staff(app, deps):
    admitted = add_client(deps, admitted_to="dr-a")
    web = signed_in(app, "nurse")
    form = {
        "given_name": "Sam",
        "family_name": "Rivera",
        "date_of_birth": "1990-05-17",
        "program": "co_occurring",
        "contact.email": "s@example.org",
        "preferred_channel": "email",
        "csrf_token": csrf(web),
    }
    page = web.post("/ui/clients/new", data=form)
    assert page.status_code == 409 and "This may be someone already registered" in page.text
    assert f"/ui/clients/{admitted}" not in page.text and "a supervisor can" in page.text


def test_sign_ins_are_on_the_audit_trail_with_the_address_but_never_what_was_typed(app):
    from shared.audit import AuditQuery
    from shared.audit_api import AUDIT_KEY

    web = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/ui/login").text).group(1)
    form = {"username": "nurse", "password": "a password typed wrong", "csrf_token": token}
    assert web.post("/ui/login", data=form, environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 401
    signed_in(app, "nurse")
    records, _ = app.extensions[AUDIT_KEY].find(AuditQuery())
    assert [(r.actor, r.action, r.status, r.address) for r in reversed(records)] == [
        ("-", "POST ui.login", 401, "10.9.8.7"),
        ("nurse", "POST ui.login", 302, "127.0.0.1"),
    ]
    assert "typed wrong" not in str(records)
