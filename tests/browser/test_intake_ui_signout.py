"""A copied staff UI session cookie in headless Chromium: it works until sign-out, and never after.

The session lives on the server, so signing out ends it there; a browser that presents a copy of
the cookie afterwards is sent to sign in and never sees the client.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from services.intake.entrypoints.ui import INTAKE_UI
from shared.users import UserStore, identity_database
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, SCREENSHOT_DIR, VIEWPORT, safe_name
from tests.browser.ui_pages import notice, sign_in

PASSWORD = "browser-test-password-1"


@pytest.fixture
def fresh_contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Other browsers (no shared cookies or storage) the test opens; closed afterwards."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def open_in_fresh_browser(browser: Browser, opened: list[BrowserContext], cookie: dict, url: str) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    opened.append(context)
    context.add_cookies([cookie])
    page = context.new_page()
    page.goto(url)
    return page


def register_client(stack, family: str) -> str:
    response = requests.post(
        f"{stack.url('intake')}/api/v1/clients",
        json={
            "given_name": "Robin",
            "family_name": family,
            "date_of_birth": "1985-02-03",
            "program": "mental_health",
            "contact": {"email": "robin@example.org"},
            "preferred_channel": "email",
        },
        headers=stack.headers("intake"),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(
    stack, browser: Browser, page: Page, screenshot, fresh_contexts, request: pytest.FixtureRequest
):
    base = stack.url("intake")
    username = f"intake-{secrets.token_hex(4)}"
    UserStore(identity_database(stack.env)).add(username, "intake", PASSWORD)
    family = f"Copied{secrets.token_hex(3)}"
    client_url = f"{base}/ui/clients/{register_client(stack, family)}"

    sign_in(page, base, username, PASSWORD)
    page.goto(client_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Robin {family}")
    [cookie] = [c for c in page.context.cookies() if c["name"] == INTAKE_UI.cookie_name]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/ui"
    assert username not in cookie["value"], "the cookie is an opaque token"

    # Before sign-out the copy opens the record in another browser: the replay below is a real one.
    thief = open_in_fresh_browser(browser, fresh_contexts, cookie, client_url)
    expect(thief.get_by_role("heading", level=1)).to_have_text(f"Robin {family}")
    thief.context.close()
    fresh_contexts.remove(thief.context)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/ui/login$"))
    expect(notice(page)).to_contain_text("You have signed out.")
    screenshot("signed-out")

    thief = open_in_fresh_browser(browser, fresh_contexts, cookie, client_url)
    expect(thief).to_have_url(re.compile(r"/ui/login$"))
    expect(thief.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(notice(thief)).to_contain_text("Your session has ended")
    assert family not in thief.content(), "the client's name must not reach a copied cookie"
    path = SCREENSHOT_DIR / f"{safe_name(request.node.name)}--copied-cookie-refused.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    thief.screenshot(path=str(path), full_page=True)
