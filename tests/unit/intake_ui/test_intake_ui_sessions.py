"""The staff UI's sessions live on the server: a copied cookie is worth nothing once they end.

Flask's test client with fake repositories, an in-memory account store and its in-memory sessions,
all on one clock the tests move by hand.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.intake import bootstrap
from services.intake.entrypoints.ui import INTAKE_UI, USERS_KEY
from shared.config import Settings
from shared.users import InMemoryUserStore
from tests.unit.intake_ui.conftest import SECRET, Clock
from tests.unit.intake_ui.test_intake_ui_pages import PASSWORD, csrf_from, post, register, sign_in

CLIENT_NAME = "Alex Example"  # the name register() gives the client


@pytest.fixture
def users(clock: Clock) -> InMemoryUserStore:
    store = InMemoryUserStore(clock=clock)
    store.add("intake-user", "intake", PASSWORD)
    store.add("clinician-user", "clinician", PASSWORD)
    return store


def session_cookie(web: FlaskClient) -> str:
    cookie = web.get_cookie(INTAKE_UI.cookie_name, path="/ui")
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(app: Flask, token: str, path: str):
    """A fresh browser that presents a copied session cookie, following the answer to its page."""
    thief = app.test_client()
    thief.set_cookie(INTAKE_UI.cookie_name, token, path="/ui")
    first = thief.get(path)
    return first, thief.get(first.headers["Location"]) if first.status_code == 302 else first


def assert_refused(app: Flask, token: str, path: str, message: str) -> None:
    first, shown = replay(app, token, path)
    assert first.status_code == 302 and first.headers["Location"] == "/ui/login"
    assert "<h1>Sign in</h1>" in shown.text and message in shown.text
    assert CLIENT_NAME not in shown.text and "Example" not in shown.text


@pytest.fixture
def client_page(web: FlaskClient) -> str:
    """Signs in, registers a client and opens its record; returns the record's path."""
    assert sign_in(web).status_code == 302
    path = f"/ui/clients/{register(web)}"
    assert CLIENT_NAME in web.get(path).text
    return path


def test_after_sign_out_a_copied_cookie_no_longer_opens_the_client_record(app, web, users, client_page):
    copied = session_cookie(web)
    _, shown = replay(app, copied, client_page)
    assert CLIENT_NAME in shown.text, "before sign-out the copy works: that is what a stolen cookie is"
    assert post(web, "/ui/logout", {}).status_code == 302
    assert users.sessions.of("intake-user") == []
    assert_refused(app, copied, client_page, "Your session has ended")
    web.set_cookie(INTAKE_UI.cookie_name, copied, path="/ui")  # the same browser putting the old cookie back
    assert web.get(client_page).headers["Location"] == "/ui/login"


def test_the_cookie_is_an_opaque_token_whose_hash_alone_is_stored(app, web, users):
    response = sign_in(web)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{INTAKE_UI.cookie_name}=")]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/ui" in cookie and "Secure" not in cookie
    token = session_cookie(web)
    assert len(token) >= 40 and "intake" not in token
    [stored] = users.sessions.documents.values()
    assert stored["_id"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(users.sessions.documents)
    assert (stored["username"], stored["role"]) == ("intake-user", "intake")


def test_the_pre_login_cookie_grants_nothing_and_holds_no_client_data(app, web, client_page):
    post(web, f"{client_page}/consents", {"kind": "treatment", "signed_on": "2024-03-02", "signed_by": "client"})
    pre_login = web.get_cookie(INTAKE_UI.pre_login_cookie_name, path="/ui")
    assert pre_login is not None, "the notice after a change rides in the pre-login cookie-session"
    held = app.session_interface.get_signing_serializer(app).loads(pre_login.value)
    assert set(held) <= {"_flashes", "next", "csrf"}
    assert CLIENT_NAME not in repr(held) and "intake-user" not in repr(held)
    # Without the session token, the pre-login cookie opens nothing.
    web.delete_cookie(INTAKE_UI.cookie_name, path="/ui")
    assert web.get(client_page).headers["Location"] == "/ui/login"


def test_the_cookie_is_secure_when_configured(monkeypatch, users):
    monkeypatch.setenv("UI_COOKIE_SECURE", "true")
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    app = bootstrap.create_app(settings, deps=bootstrap.fake_dependencies())
    app.extensions[USERS_KEY] = users
    response = sign_in(app.test_client())
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{INTAKE_UI.cookie_name}=")]
    assert "Secure" in cookie


def test_disabling_the_account_ends_an_existing_session_at_once(app, web, users, client_page):
    copied = session_cookie(web)
    users.disable("intake-user")  # what `ipt user disable` does
    assert users.sessions.of("intake-user") == [], "ended on the server, before any further request"
    assert_refused(app, copied, client_page, "Your session has ended")
    assert web.get("/ui/keep-alive").status_code == 302


def test_a_guesser_elsewhere_neither_ends_the_owners_session_nor_keeps_them_out(app, web, users, clock, client_page):
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "10.6.6.6"
    for _ in range(8):  # a patient guesser, waiting out each delay
        answer = sign_in(guesser, password="wrong password!")
        assert answer.status_code == 401
        clock.now += timedelta(seconds=int(answer.headers.get("Retry-After", 0)))
    last = sign_in(guesser, password="wrong password!")
    assert last.status_code == 401 and int(last.headers["Retry-After"]) > 60
    assert CLIENT_NAME in web.get(client_page).text, "the owner's session goes on"
    assert sign_in(guesser).status_code == 429, "the guesser's address waits, right password or not"
    owner = app.test_client()
    first = sign_in(owner)
    if first.status_code == 429:  # the account itself is slowed, to a minute at most
        assert int(first.headers["Retry-After"]) <= 60
        clock.now += timedelta(seconds=int(first.headers["Retry-After"]))
        first = sign_in(owner)
    assert first.status_code == 302


def test_an_account_given_another_role_while_its_session_survived_is_refused_on_the_next_request(app, web, users):
    sign_in(web)
    # As if the role had been changed in the store directly: the per-request account check
    # refuses, and ends what is left.
    users.users["intake-user"]["role"] = "clinician"
    assert web.get("/ui/").headers["Location"] == "/ui/login"
    assert "Your account can no longer sign in here" in web.get("/ui/login").text
    assert users.sessions.of("intake-user") == []


def test_a_replayed_cookie_is_refused_after_fifteen_idle_minutes(app, web, users, clock, client_page):
    copied = session_cookie(web)
    clock.now += timedelta(minutes=15, seconds=1)
    assert_refused(app, copied, client_page, "signed out after 15 minutes without activity")
    assert users.sessions.of("intake-user") == []
    clock.now -= timedelta(minutes=10)  # even a clock turned back cannot bring the session back
    assert_refused(app, copied, client_page, "Your session has ended")


def test_a_replayed_cookie_is_refused_twelve_hours_after_sign_in_however_active(app, web, users, clock, client_page):
    copied = session_cookie(web)
    signed_in_at = clock.now
    while clock.now + timedelta(minutes=14) <= signed_in_at + timedelta(hours=12):
        clock.now += timedelta(minutes=14)
        assert web.get("/ui/keep-alive").status_code == 204
    clock.now = signed_in_at + timedelta(hours=12, seconds=1)
    assert_refused(app, copied, client_page, "signed out 12 hours after signing in")
    assert web.get("/ui/keep-alive").status_code == 302


def test_each_session_has_its_own_csrf_token_checked_on_every_post(app, web, users):
    sign_in(web)
    first = csrf_from(web.get("/ui/").text)
    [stored] = users.sessions.of("intake-user")
    assert first == stored.csrf and first != session_cookie(web)
    post(web, "/ui/logout", {})
    sign_in(web)
    second = csrf_from(web.get("/ui/").text)
    assert second != first
    refused = web.post("/ui/", data={"q": "alex", "csrf_token": first})
    assert refused.status_code == 400 and "This form has expired" in refused.text
    assert web.post("/ui/", data={"q": "alex", "csrf_token": second}).status_code == 200


def test_signing_in_and_out_is_audited_without_typed_text(web, caplog):
    caplog.set_level(logging.INFO, logger="audit")
    sign_in(web)
    post(web, "/ui/logout", {})
    lines = [(r.getMessage(), getattr(r, "actor", None), getattr(r, "action", None)) for r in caplog.records]
    assert ("staff signed in", "intake-user", "ui.sign_in") in lines
    assert ("staff signed out", "intake-user", "ui.sign_out") in lines
    assert not [r for r in caplog.records if PASSWORD in r.getMessage() or PASSWORD in repr(r.__dict__)]


def test_a_signed_cookie_session_naming_a_user_opens_nothing(app):
    """What used to be the whole session (signed data naming the user) is no longer a way in."""
    old = app.test_client()
    with old.session_transaction("/ui/") as flask_session:
        flask_session.update(user="intake-user", role="intake", login_at=0, last_seen=2**40, csrf="x")
    assert old.get("/ui/").headers["Location"] == "/ui/login"
    signed = old.get_cookie(INTAKE_UI.pre_login_cookie_name, path="/ui")
    assert signed is not None
    first, shown = replay(app, signed.value, "/ui/")  # the same data in the session cookie's place
    assert first.headers["Location"] == "/ui/login" and re.search(r"<h1>Sign in</h1>", shown.text)
