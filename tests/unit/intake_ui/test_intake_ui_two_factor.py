"""Two-step sign-in on the intake staff pages (the shared staff UI), through Flask's test client:
setting it up, signing in with a code, wrong, replayed and late codes, required roles, turning it
off, and the administrator's reset."""

from __future__ import annotations

import argparse
import html
import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.intake.entrypoints.ui import INTAKE_UI
from shared import cli_users, totp
from shared.staff_ui.security import CONTENT_SECURITY_POLICY
from shared.staff_ui.settings import TWO_FACTOR_ROLES_SETTING, parse_two_factor_roles
from shared.users import InMemoryUserStore
from tests.unit.intake_ui.conftest import Clock
from tests.unit.intake_ui.test_intake_ui_pages import PASSWORD, csrf_from

HOME = "/ui/"
CODE_PAGE = "/ui/login/code"
ACCOUNT_PAGE = "/ui/account/two-factor"


@pytest.fixture
def users(clock: Clock) -> InMemoryUserStore:
    store = InMemoryUserStore(clock=clock)
    store.add("intake-user", "intake", PASSWORD)
    store.add("supervisor-user", "supervisor", PASSWORD)
    return store


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def password_step(web: FlaskClient, username: str = "intake-user", password: str = PASSWORD):
    token = csrf_from(web.get("/ui/login").text)
    return web.post("/ui/login", data={"username": username, "password": password, "csrf_token": token})


def code_step(web: FlaskClient, code: str):
    return web.post(CODE_PAGE, data={"code": code, "csrf_token": csrf_from(web.get(CODE_PAGE).text)})


def secret_on(page: str) -> str:
    match = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
    assert match, "the set-up page shows no key"
    return match.group(1).replace(" ", "")


def code_for(secret: str, clock: Clock, offset: int = 0) -> str:
    return totp.code_at(secret, totp.time_step(clock.now) + offset)


def wrong_code(secret: str, clock: Clock) -> str:
    accepted = {code_for(secret, clock, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in accepted)


def set_up(web: FlaskClient, clock: Clock) -> str:
    """Signed in: turns two-step sign-in on from the account page; returns the secret."""
    page = web.get(ACCOUNT_PAGE).text
    secret = secret_on(page)
    done = web.post(ACCOUNT_PAGE, data={"code": code_for(secret, clock), "csrf_token": csrf_from(page)})
    assert done.status_code == 302 and done.headers["Location"] == ACCOUNT_PAGE
    return secret


@pytest.fixture
def enrolled(web: FlaskClient, clock: Clock, app: Flask) -> str:
    """intake-user with two-step sign-in on, signed out again: the secret."""
    assert password_step(web).status_code == 302
    secret = set_up(web, clock)
    web.post("/ui/logout", data={"csrf_token": csrf_from(web.get(HOME).text)})
    clock.now += timedelta(seconds=30)  # the step of the confirming code is used up
    return secret


def signed_in(web: FlaskClient) -> bool:
    return web.get(HOME).status_code == 200


def test_the_set_up_page_shows_a_qr_code_the_key_and_the_address_without_inline_script(web, clock, users):
    password_step(web)
    page = web.get(ACCOUNT_PAGE)
    assert page.status_code == 200 and page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    secret = secret_on(page.text)
    assert "<svg" in page.text and 'class="qr__code"' in page.text
    assert f"otpauth://totp/IPT%20staff:intake-user?secret={secret}" in html.unescape(page.text)
    assert "<script>" not in page.text and "style=" not in page.text and "http://" not in page.text.split("<svg")[1]
    assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text
    assert '<label class="label" for="f-code">' in page.text
    assert web.get(ACCOUNT_PAGE).text.count(secret) >= 1, "a reload shows the same key"
    assert not users.has_two_factor("intake-user"), "nothing is on until a code confirms it"


def test_a_wrong_first_code_is_named_and_leaves_it_off(web, clock, users):
    password_step(web)
    page = web.get(ACCOUNT_PAGE).text
    refused = web.post(ACCOUNT_PAGE, data={"code": wrong_code(secret_on(page), clock), "csrf_token": csrf_from(page)})
    assert refused.status_code == 422
    assert "The code is not right" in text_of(refused.text) and 'aria-invalid="true"' in refused.text
    assert not users.has_two_factor("intake-user")


def test_with_it_on_the_password_leads_to_the_code_and_the_code_to_the_pages(web, clock, enrolled):
    first = password_step(web)
    assert first.status_code == 302 and first.headers["Location"] == CODE_PAGE
    assert web.get_cookie(INTAKE_UI.cookie_name, path="/ui") is None, "no session before the code"
    assert web.get(HOME).headers["Location"] == "/ui/login"
    page = web.get(CODE_PAGE)
    assert page.status_code == 200 and "<h1>Sign-in code</h1>" in page.text
    assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text
    done = code_step(web, code_for(enrolled, clock))
    assert done.status_code == 302 and done.headers["Location"] == HOME
    assert signed_in(web)


def test_the_page_asked_for_before_signing_in_follows_the_code(web, clock, enrolled):
    assert web.get("/ui/clients/new").status_code == 302
    password_step(web)
    assert code_step(web, code_for(enrolled, clock)).headers["Location"] == "/ui/clients/new"


def test_a_wrong_code_is_refused_in_words_and_counts_towards_the_delays(web, clock, enrolled):
    password_step(web)
    wrong = wrong_code(enrolled, clock)
    for _ in range(2):
        refused = code_step(web, wrong)
        assert refused.status_code == 401 and "Retry-After" not in refused.headers
        assert "The code is not right" in text_of(refused.text)
    third = code_step(web, wrong)
    assert third.status_code == 401 and third.headers["Retry-After"] == "1"
    throttled = code_step(web, code_for(enrolled, clock))
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert "Too many attempts" in text_of(throttled.text) and not signed_in(web)
    clock.now += timedelta(seconds=1)
    assert code_step(web, code_for(enrolled, clock)).status_code == 302 and signed_in(web)


def test_a_right_password_between_wrong_codes_does_not_wipe_their_delays(web, clock, enrolled):
    for _ in range(3):
        password_step(web)
        code_step(web, wrong_code(enrolled, clock))
    assert password_step(web).status_code == 429, "the password attempt waits too"


def test_a_code_used_once_is_refused_the_second_time(app, web, clock, enrolled):
    code = code_for(enrolled, clock)
    password_step(web)
    assert code_step(web, code).status_code == 302
    other = app.test_client()
    password_step(other)
    replayed = code_step(other, code)
    assert replayed.status_code == 401 and "used already" in text_of(replayed.text)
    assert not signed_in(other)


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_code_one_step_early_or_late_is_accepted(web, clock, enrolled, offset):
    clock.now += timedelta(seconds=30)  # so the step before is not the one the set-up used
    password_step(web)
    assert code_step(web, code_for(enrolled, clock, offset)).status_code == 302


def test_a_code_two_steps_away_is_refused(web, clock, enrolled):
    clock.now += timedelta(minutes=2)
    password_step(web)
    assert code_step(web, code_for(enrolled, clock, -2)).status_code == 401


def test_the_code_step_expires_five_minutes_after_the_password(web, clock, enrolled):
    password_step(web)
    token = csrf_from(web.get(CODE_PAGE).text)
    clock.now += timedelta(minutes=4, seconds=59)
    assert web.get(CODE_PAGE).status_code == 200, "still in time"
    clock.now += timedelta(seconds=1)
    late = web.post(CODE_PAGE, data={"code": code_for(enrolled, clock), "csrf_token": token})
    assert late.status_code == 302 and late.headers["Location"] == "/ui/login"
    assert "More than 5 minutes passed" in text_of(web.get("/ui/login").text) and not signed_in(web)
    assert web.get(CODE_PAGE).headers["Location"] == "/ui/login", "the half-done sign-in is gone"


def test_the_code_step_is_bound_to_the_browser_that_typed_the_password(app, web, clock, enrolled):
    password_step(web)
    elsewhere = app.test_client()
    assert elsewhere.get(CODE_PAGE).headers["Location"] == "/ui/login"


def test_accounts_without_the_factor_sign_in_as_before(web):
    first = password_step(web)
    assert first.status_code == 302 and first.headers["Location"] == HOME and signed_in(web)


def test_a_required_role_sets_it_up_right_after_the_password(app, web, clock, users):
    app.config[TWO_FACTOR_ROLES_SETTING] = ("intake",)
    first = password_step(web)
    assert first.status_code == 302 and first.headers["Location"] == ACCOUNT_PAGE
    assert web.get(HOME).headers["Location"] == "/ui/login", "no other page before it is set up"
    page = web.get(ACCOUNT_PAGE)
    assert page.status_code == 200 and "Accounts with your role sign in in two steps" in text_of(page.text)
    secret = secret_on(page.text)
    done = web.post(ACCOUNT_PAGE, data={"code": code_for(secret, clock), "csrf_token": csrf_from(page.text)})
    assert done.status_code == 302 and done.headers["Location"] == HOME and signed_in(web)
    assert users.has_two_factor("intake-user")


def test_a_required_role_signed_in_without_it_reaches_only_the_set_up_page(app, web, clock, users):
    password_step(web)  # signed in before the setting
    app.config[TWO_FACTOR_ROLES_SETTING] = ("intake",)
    refused = web.get("/ui/clients/new")
    assert refused.status_code == 302 and refused.headers["Location"] == ACCOUNT_PAGE
    set_up(web, clock)
    assert web.get("/ui/clients/new").status_code == 200


def test_setting_up_for_a_required_role_also_expires(app, web, clock):
    app.config[TWO_FACTOR_ROLES_SETTING] = ("intake",)
    password_step(web)
    clock.now += timedelta(minutes=5)
    assert web.get(ACCOUNT_PAGE).headers["Location"] == "/ui/login"


def test_other_roles_are_not_asked(app, web):
    app.config[TWO_FACTOR_ROLES_SETTING] = ("supervisor",)
    assert password_step(web).headers["Location"] == HOME


def test_the_required_roles_setting_is_checked():
    assert parse_two_factor_roles("") == ()
    assert parse_two_factor_roles(" clinician, supervisor,clinician ") == ("clinician", "supervisor")
    with pytest.raises(ValueError, match="unknown roles doctor"):
        parse_two_factor_roles("clinician,doctor")


def test_turning_it_off_needs_the_password_and_a_current_code(web, clock, users, enrolled):
    password_step(web)
    code_step(web, code_for(enrolled, clock))
    clock.now += timedelta(seconds=30)
    page = web.get(ACCOUNT_PAGE).text
    assert "Two-step sign-in is on" in text_of(page)
    wrong = web.post(
        "/ui/account/two-factor/off",
        data={"password": "not the password", "code": code_for(enrolled, clock), "csrf_token": csrf_from(page)},
    )
    assert wrong.status_code == 401 and "still on" in text_of(wrong.text) and users.has_two_factor("intake-user")
    clock.now += timedelta(seconds=30)
    done = web.post(
        "/ui/account/two-factor/off",
        data={"password": PASSWORD, "code": code_for(enrolled, clock), "csrf_token": csrf_from(page)},
    )
    assert done.status_code == 302 and not users.has_two_factor("intake-user")
    web.post("/ui/logout", data={"csrf_token": csrf_from(web.get(HOME).text)})
    assert password_step(web).headers["Location"] == HOME


def test_the_account_page_needs_a_session_or_a_required_set_up(web):
    assert web.get(ACCOUNT_PAGE).headers["Location"] == "/ui/login"


def test_the_secret_and_codes_are_never_logged(web, clock, caplog):
    caplog.set_level("DEBUG")
    password_step(web)
    secret = set_up(web, clock)
    assert "staff second factor turned on" in caplog.text
    assert secret not in caplog.text and code_for(secret, clock) not in caplog.text


# -- the administrator's reset ---------------------------------------------------------------------
def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ipt")
    cli_users.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


def test_an_administrator_resets_a_lost_factor_and_the_list_shows_it(web, clock, users, enrolled, monkeypatch, capsys):
    monkeypatch.setattr(cli_users, "_store", lambda: users)
    assert run(["user", "list"]) == 0
    listed = {json.loads(line)["username"]: json.loads(line) for line in capsys.readouterr().out.splitlines()}
    assert listed["intake-user"]["two_factor"] is True and listed["supervisor-user"]["two_factor"] is False
    assert run(["user", "reset-2fa", "--username", "Intake-User"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {"username": "intake-user", "two_factor": False, "was_on": True}
    assert enrolled not in out
    assert run(["user", "reset-2fa", "--username", "nobody"]) == 1
    assert "No account named" in capsys.readouterr().err
    assert password_step(web).headers["Location"] == HOME, "the password alone signs in again"
