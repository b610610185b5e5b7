"""The clinician workspace in headless Chromium against the running stack.

A client admitted at intake reaches sessions over Kafka; a supervisor assigns them; the clinician
signs in by keyboard, opens the caseload and the client's chart with its graph, books a course,
marks a session attended, documents it with a PHQ-9 and moves a later session. Every page passes
axe-core (WCAG 2.1 A and AA, 7:1 text contrast) on a desktop and on a phone.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from shared.users import UserStore, identity_database
from tests.browser.axe_checks import AXE_OPTIONS, describe, run_axe
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, SCREENSHOT_DIR, VIEWPORT
from tests.e2e.test_intake_workflow import post as intake_post
from tests.e2e.test_sessions_course import EVERY_DAY, active_episode, admitted_client, sessions_api
from tests.support.infra import wait_for

PASSWORD = "browser-test-password-1"
ZONE = "Europe/London"
PHONE = {"width": 390, "height": 844}


def workspace_user(stack, role: str = "clinician") -> str:
    """A staff account and, for a clinician, their profile in sessions (London hours, every day)."""
    username = f"dr-{secrets.token_hex(4)}"
    UserStore(identity_database(stack.env)).add(username, role, PASSWORD)
    profile = {
        "id": username,
        "name": f"Dr {username[3:].upper()}",
        "email": f"{username}@example.org",
        "time_zone": ZONE,
        "working_hours": EVERY_DAY,
        "caseload_limit": 10,
        "programs": ["co_occurring"],
        "supervisor": "sup-browser",
    }
    assert sessions_api(stack, "POST", "/clinicians", json=profile).status_code == 201
    return username


def assigned_client(stack, clinician: str) -> tuple[str, str]:
    episode_id, name, _ = assigned_client_with_id(stack, clinician)
    return episode_id, name


def assigned_client_with_id(stack, clinician: str) -> tuple[str, str, str]:
    """A client admitted at intake and assigned to the clinician: (episode id, the client's name)."""
    client_id = admitted_client(stack)
    episode = active_episode(stack, client_id)
    assigned = sessions_api(stack, "PATCH", f"/episodes/{episode['id']}", json={"clinician_id": clinician})
    assert assigned.status_code == 200, assigned.text
    response = requests.get(
        f"{stack.url('intake')}/api/v1/clients/{client_id}", headers=stack.headers("admin"), timeout=10
    )
    assert response.status_code == 200, response.text
    return episode["id"], f"{response.json()['given_name']} {response.json()['family_name']}", client_id


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/ui/")
    expect(page).to_have_url(re.compile(r"/ui/login$"))
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Today")).to_be_visible()


def test_a_clinician_runs_a_course_from_the_workspace(stack, page: Page, screenshot):
    base = stack.url("sessions")
    clinician = workspace_user(stack)
    episode_id, name = assigned_client(stack, clinician)

    sign_in(page, base, clinician)
    screenshot("01-today")

    # The caseload, from the main navigation by keyboard, names the client; their chart has the graph.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
    row = page.locator("#caseload tbody tr").filter(has_text=name)
    expect(row).to_contain_text("Initial")
    screenshot("02-caseload")
    row.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(page.get_by_role("img", name="PHQ-9 and GAD-7 over the course")).to_be_visible()
    assert episode_id in page.url and "Robin" not in page.url  # no client data in URLs

    # Book twelve weekly sessions that began two weeks ago (a course begun on paper).
    local = datetime.now(ZoneInfo(ZONE)) - timedelta(days=14)
    page.get_by_label("First session date").fill(local.date().isoformat())
    page.get_by_label(re.compile(r"^Time")).fill("09:30")
    page.get_by_role("group", name="How", exact=True).get_by_label("Video").check()
    page.get_by_role("button", name="Book sessions").click()
    expect(page.get_by_role("status")).to_contain_text("12 sessions booked")
    expect(page.locator("#session-list tbody tr")).to_have_count(12)
    screenshot("03-chart-booked")

    # Booking the same times again clashes with every one: nothing is booked, each clash is named.
    page.get_by_label("First session date").fill(local.date().isoformat())
    page.get_by_label(re.compile(r"^Time")).fill("09:30")
    page.get_by_role("group", name="How", exact=True).get_by_label("Video").check()
    page.get_by_role("button", name="Book sessions").click()
    expect(page.get_by_text(re.compile(r"Nothing was booked: \d+ clash"))).to_be_visible()
    expect(page.locator("#session-list tbody tr")).to_have_count(12)

    # Session 1 took place: mark it attended and document it, PHQ-9 answered by keyboard.
    page.get_by_role("link", name="Session 1 · Video").click()
    page.get_by_role("button", name="The client attended").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as attended")
    page.get_by_role("link", name="Document the session").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Document session 1"))).to_be_visible()
    page.get_by_label("Role play").check()
    page.get_by_label("Homework agreed").fill("Notice one conversation that went well")
    phq9 = page.locator("#measure-phq9")
    for number in range(1, 10):
        group = phq9.get_by_role("group", name=re.compile(rf"^{number}\. "))
        group.get_by_label("Several days" if number < 9 else "Not at all", exact=True).check()
    phq9.get_by_role("group", name=re.compile("^If you checked off")).get_by_role("radio").first.check()
    screenshot("04-record-form")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_role("status")).to_contain_text("Session record saved")
    expect(page.locator("#session-record")).to_contain_text("8 (mild)")

    # The chart's graph now has the session's score; the phase moved on with attendance.
    page.get_by_role("link", name="Open the client chart").click()
    expect(page.locator("#attended")).to_contain_text("1 of 12")
    expect(page.get_by_role("img", name="PHQ-9 and GAD-7 over the course")).to_contain_text("Session 1")
    screenshot("05-chart-with-score")

    # Move session 5 an hour later, in the clinician's own time.
    page.get_by_role("link", name="Session 5 · Video").click()
    moved_day = page.get_by_label("New date").input_value()
    page.get_by_label(re.compile(r"^New time")).fill("10:30")
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_role("status")).to_contain_text("Session moved")
    expect(page.locator(".page-head .meta")).to_contain_text("10:30")
    assert moved_day
    screenshot("06-rescheduled")


@pytest.fixture(scope="module")
def signed_in(browser: Browser, stack) -> Iterator[tuple[Page, str, str]]:
    """One signed-in clinician with a booked, partly attended course: (page, base, episode id)."""
    base = stack.url("sessions")
    clinician = workspace_user(stack)
    episode_id, _ = assigned_client(stack, clinician)
    start = (datetime.now(UTC) - timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    series = {"start": start.isoformat(), "count": 4, "frequency": "weekly", "modality": "phone"}
    booked = sessions_api(stack, "POST", f"/episodes/{episode_id}/sessions", json=series)
    assert booked.status_code == 201, booked.text
    first = booked.json()["sessions"][0]["id"]
    assert sessions_api(stack, "PATCH", f"/sessions/{first}", json={"status": "attended"}).status_code == 200
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)  # axe is injected as a script
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, base, clinician)
    page.session_ids = [s["id"] for s in booked.json()["sessions"]]  # type: ignore[attr-defined]
    try:
        yield page, base, episode_id
    finally:
        context.close()


PAGES = {
    "today": lambda ids, episode: "/ui/",
    "week": lambda ids, episode: "/ui/week",
    "caseload": lambda ids, episode: "/ui/caseload",
    "chart": lambda ids, episode: f"/ui/episodes/{episode}",
    "attended-session": lambda ids, episode: f"/ui/sessions/{ids[0]}",
    "future-session": lambda ids, episode: f"/ui/sessions/{ids[2]}",
    "record-form": lambda ids, episode: f"/ui/sessions/{ids[0]}/record",
    "calendar": lambda ids, episode: "/ui/calendar",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_workspace_page_passes_axe_on_a_desktop_and_a_phone(signed_in, name: str):
    page, base, episode_id = signed_in
    page.set_viewport_size(VIEWPORT)
    page.goto(base + PAGES[name](page.session_ids, episode_id))  # type: ignore[attr-defined]
    expect(page.locator("h1")).to_be_visible()
    violations = run_axe(page, AXE_OPTIONS)
    assert not violations, describe(violations, f"{name} at desktop width")
    page.set_viewport_size(PHONE)
    violations = run_axe(page, AXE_OPTIONS)
    assert not violations, describe(violations, f"{name} on a phone")
    scrolls = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not scrolls, f"{name} scrolls sideways on a phone"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"workspace-{name}-phone.png"), full_page=True)


def test_the_record_form_names_a_missing_answer_and_saves_nothing(signed_in):
    page, base, _ = signed_in
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{base}/ui/sessions/{page.session_ids[0]}/record")  # type: ignore[attr-defined]
    phq9 = page.locator("#measure-phq9")
    phq9.get_by_role("group", name=re.compile(r"^1\. ")).get_by_label("Not at all", exact=True).check()
    page.get_by_role("button", name="Save the record").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("PHQ-9 question 2")
    summary.get_by_role("link", name=re.compile("PHQ-9 question 2")).click()
    expect(phq9.get_by_role("group", name=re.compile(r"^2\. ")).get_by_role("radio").first).to_be_focused()


def test_a_risk_alert_reaches_the_clinicians_inbox_and_taking_it_on_stops_its_escalation(stack, page: Page, screenshot):
    base = stack.url("sessions")
    clinician = workspace_user(stack)
    _, name, client_id = assigned_client_with_id(stack, clinician)
    flagged = intake_post(stack, f"/clients/{client_id}/risk-flags", {"urgency": "urgent"}, role="admin")
    assert flagged.status_code == 201

    def alert_of_client() -> dict | None:
        alerts = requests.get(f"{stack.url('notifications')}/api/v1/alerts", headers=stack.headers("admin"), timeout=10)
        return next((a for a in alerts.json() if a["client_id"] == client_id), None)

    raised = wait_for(alert_of_client, 30, "notifications to raise the alert")
    sign_in(page, base, clinician)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
    link = page.locator("#risk-alerts").get_by_role("link", name=name)
    expect(link).to_be_visible(timeout=20_000)
    screenshot("01-inbox")
    link.click()
    expect(page.get_by_role("heading", level=1, name=f"Risk alert: {name}")).to_be_visible()
    assert raised["id"] in page.url and client_id not in page.url
    page.get_by_role("button", name="Take the alert on").click()
    expect(page.get_by_role("status")).to_contain_text("stops escalating")
    acknowledged = wait_for(
        lambda: (alert_of_client() or {}).get("status") == "acknowledged", 30, "notifications to acknowledge"
    )
    assert acknowledged

    def shown_as_acknowledged() -> bool:
        # The workspace learns it from notifications' event, behind whatever else the topic carries
        # (every other test's open alerts escalate every few seconds in this stack).
        page.reload()
        return page.locator("#alert-status").inner_text().strip() == "Acknowledged"

    wait_for(shown_as_acknowledged, 120, "the workspace to hear notifications' acknowledgement", interval=2)
    screenshot("02-taken-on")
