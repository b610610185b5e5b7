"""Two-step sign-in on the clinician workspace: the same shared pages as intake's, on the workspace's
own cookie, with the factor set up once for both (the accounts are shared)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from services.sessions.entrypoints.ui import SESSIONS_UI
from shared import totp
from shared.staff_ui.settings import TWO_FACTOR_ROLES_SETTING
from tests.unit.sessions import test_sessions_workspace as workspace
from tests.unit.sessions.test_sessions_workspace import PASSWORD, csrf_from, sign_in, text_of

# The workspace on fake storage and an in-memory account store, as its own tests build it.
deps, clock, app, web = workspace.deps, workspace.clock, workspace.app, workspace.web

ACCOUNT_PAGE = "/ui/account/two-factor"
CODE_PAGE = "/ui/login/code"


def code_for(secret: str, clock, offset: int = 0) -> str:
    return totp.code_at(secret, totp.time_step(clock.now) + offset)


def set_up(web, clock) -> str:
    page = web.get(ACCOUNT_PAGE).text
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    done = web.post(ACCOUNT_PAGE, data={"code": code_for(secret, clock), "csrf_token": csrf_from(page)})
    assert done.status_code == 302
    return secret


def code_step(web, code: str):
    return web.post(CODE_PAGE, data={"code": code, "csrf_token": csrf_from(web.get(CODE_PAGE).text)})


@pytest.fixture
def enrolled(app, clock) -> str:
    """dr-a with two-step sign-in on (set up in another browser): the secret."""
    setup = app.test_client()
    sign_in(setup)
    secret = set_up(setup, clock)
    clock.now += timedelta(seconds=30)
    return secret


def test_the_workspace_asks_for_the_code_before_its_session_starts(web, clock, enrolled):
    first = sign_in(web)
    assert first.status_code == 302 and first.headers["Location"] == CODE_PAGE
    assert web.get_cookie(SESSIONS_UI.cookie_name, path="/ui") is None
    done = code_step(web, code_for(enrolled, clock))
    assert done.status_code == 302 and done.headers["Location"] == "/ui/"
    assert web.get_cookie(SESSIONS_UI.cookie_name, path="/ui") is not None
    assert web.get("/ui/").status_code == 200


def test_a_wrong_or_replayed_code_opens_no_workspace(app, web, clock, enrolled):
    code = code_for(enrolled, clock)
    sign_in(web)
    assert code_step(web, code).status_code == 302
    other = app.test_client()
    sign_in(other)
    replayed = code_step(other, code)
    assert replayed.status_code == 401 and "used already" in text_of(replayed.text)
    assert other.get("/ui/").status_code == 302


def test_the_workspace_code_step_expires_after_five_minutes(web, clock, enrolled):
    sign_in(web)
    clock.now += timedelta(minutes=5)
    assert web.get(CODE_PAGE).headers["Location"] == "/ui/login"
    assert "More than 5 minutes passed" in text_of(web.get("/ui/login").text)


def test_clinicians_required_to_use_it_set_it_up_before_the_workspace(app, web, clock):
    app.config[TWO_FACTOR_ROLES_SETTING] = ("clinician", "supervisor")
    assert sign_in(web).headers["Location"] == ACCOUNT_PAGE
    assert web.get("/ui/").headers["Location"] == "/ui/login"
    set_up(web, clock)
    assert web.get("/ui/").status_code == 200


def test_the_workspace_header_links_to_the_account_page(web):
    sign_in(web)
    page = web.get("/ui/").text
    assert f'href="{ACCOUNT_PAGE}"' in page and PASSWORD not in page
