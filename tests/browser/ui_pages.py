"""Page helpers for the intake staff UI in a real browser: find things the way a person would."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

CLIENT_URL = re.compile(r"/ui/clients/([0-9a-f-]{36})$")
RESULT_URL = re.compile(r"/ui/clients/[0-9a-f-]{36}/screenings/([0-9a-f-]{36})$")


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/ui/")
    expect(page).to_have_url(re.compile(r"/ui/login$"))
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Work queue")).to_be_visible()


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def question(page: Page, number: int) -> Locator:
    """The radio group of one questionnaire item (its legend starts with the item number)."""
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def answer(page: Page, number: int, label: str) -> None:
    question(page, number).get_by_label(label, exact=True).check()


def client_id_from(page: Page) -> str:
    match = CLIENT_URL.search(page.url)
    assert match, f"not on a client page: {page.url}"
    return match.group(1)


def queue_rows(page: Page) -> Locator:
    return page.locator("#work-queue tbody tr")


def notice(page: Page) -> Locator:
    return page.get_by_role("status")


def stays_local(url: str) -> bool:
    """True for URLs that never leave the machine (loopback hosts, data:, blob:, about:)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or (parts.hostname or "") in {"127.0.0.1", "localhost", "::1"}
