"""The intake staff UI in headless Chromium against the running stack: a referral's whole intake.

Sign in → work queue → register (by keyboard) → PHQ-9 with item 9 = 2 → risk banner → urgent at
the top of the queue → interpersonal inventory → treatment consent → admission; then the sessions
service shows the episode active, having heard of it through Kafka.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import Page, expect

from shared.users import UserStore, identity_database
from tests.browser.ui_pages import (
    RESULT_URL,
    answer,
    client_id_from,
    main_nav,
    notice,
    question,
    queue_rows,
    sign_in,
    stays_local,
)
from tests.support.infra import wait_for

PASSWORD = "browser-test-password-1"


@pytest.fixture
def staff_user(stack):
    """A fresh account in the stack's identity database: (username, password)."""

    def make(role: str = "intake") -> tuple[str, str]:
        username = f"{role}-{secrets.token_hex(4)}"
        UserStore(identity_database(stack.env)).add(username, role, PASSWORD)
        return username, PASSWORD

    return make


def episodes(stack, client_id: str) -> list[dict]:
    response = requests.get(
        f"{stack.url('sessions')}/api/v1/episodes",
        params={"client_id": client_id},
        headers=stack.headers("admin"),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_referral_goes_from_registration_to_admission(stack, page: Page, screenshot, staff_user, requests_made):
    base = stack.url("intake")
    username, password = staff_user("intake")
    family = f"Tester{secrets.token_hex(3)}"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()

    # Sign in: every page needs a session, so the queue sends us to the login page first.
    page.goto(f"{base}/ui/")
    expect(page).to_have_url(re.compile(r"/ui/login$"))
    screenshot("01-sign-in")
    sign_in(page, base, username, password)
    expect(page.get_by_text(username)).to_be_visible()
    screenshot("02-work-queue")

    # Register a client, mostly by keyboard.
    main_nav(page).get_by_role("link", name="Register a client").click()
    expect(page.get_by_role("heading", level=1, name="Register a client")).to_be_visible()
    page.get_by_label("Given name").focus()
    page.keyboard.type("Jordan")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Family name")).to_be_focused()
    page.keyboard.type(family)
    page.get_by_label("Date of birth").fill("1988-07-14")
    page.get_by_label("Sex at birth").select_option("female")
    page.get_by_label("Program").select_option("co_occurring")
    page.get_by_label("Email address").focus()
    page.keyboard.type("jordan@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Phone number")).to_be_focused()
    page.keyboard.type("+15550123")
    page.keyboard.press("Tab")
    sms = page.get_by_label("Text message (SMS)")
    expect(sms).to_be_focused()
    page.keyboard.press("Space")
    expect(sms).to_be_checked()
    page.get_by_label("Referred by").fill("GP")
    screenshot("03-register-filled")
    page.get_by_label("Referred by").press("Enter")  # Enter submits, like any form

    expect(page).to_have_url(re.compile(r"/ui/clients/[0-9a-f-]{36}$"))
    client_id = client_id_from(page)
    assert family not in page.url, "names never appear in URLs"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Jordan {family}")
    expect(notice(page)).to_contain_text("Client registered")
    expect(page.get_by_role("alert")).to_have_count(0)
    screenshot("04-client-registered")

    # Administer the PHQ-9; item 9 is answered by keyboard with "More than half the days" (2).
    page.locator(".instrument-menu").get_by_role("link", name=re.compile(r"^PHQ-9")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    expect(page.get_by_text("version 1.0")).to_be_visible()
    for number in range(1, 9):
        answer(page, number, "Several days" if number <= 2 else "Not at all")
    first = question(page, 9).get_by_label("Not at all", exact=True)
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(question(page, 9).get_by_label("More than half the days", exact=True)).to_be_checked()
    page.get_by_role("group", name=re.compile(r"^If you checked off any problems")).get_by_label(
        "Somewhat difficult"
    ).check()
    screenshot("05-phq9-answered")
    page.get_by_role("button", name="Submit answers").click()

    # The result: scored by the server, with the unmissable risk banner.
    expect(page).to_have_url(RESULT_URL)
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Suicide risk flagged — urgent: a clinician must assess today")
    expect(banner).to_contain_text("PHQ-9 question 9")
    expect(page.locator(".result-grid")).to_contain_text(re.compile(r"Total score\s*4\s*of 27"))  # 1 + 1 + 2
    expect(page.locator(".result-grid")).to_contain_text("Minimal")
    expect(page.get_by_text("Suicidal ideation")).to_be_visible()
    screenshot("06-result-risk-banner")

    # The work queue now starts with this client, marked urgent.
    main_nav(page).get_by_role("link", name="Work queue").click()
    rows = queue_rows(page)
    mine = page.locator(f'#work-queue tbody tr[data-client-id="{client_id}"]')
    expect(mine).to_contain_text("URGENT RISK")
    expect(mine).to_have_class(re.compile(r"\brow--urgent\b"))
    kinds = [(row.get_attribute("data-client-id"), row.get_attribute("class")) for row in rows.all()]
    position = [cid for cid, _ in kinds].index(client_id)
    # Only other urgent flags (from other tests on this stack) may come before it.
    assert all("row--urgent" in cls for _, cls in kinds[:position]), kinds
    if sum("row--urgent" in cls for _, cls in kinds) == 1:
        expect(rows.first).to_have_attribute("data-client-id", client_id)
    screenshot("07-work-queue-urgent")

    # Interpersonal inventory: one person; a role dispute at impasse.
    mine.get_by_role("link", name=f"Jordan {family}").click()
    page.get_by_role("link", name=re.compile("Record the interpersonal inventory")).click()
    expect(page.get_by_role("heading", level=1, name="Interpersonal inventory")).to_be_visible()
    person = page.get_by_role("group", name="Person 1")
    person.get_by_label("Who").fill("my partner")
    person.get_by_label("Relationship").fill("partner")
    person.get_by_label("Closeness").select_option("3")
    person.get_by_label("Conflicts").fill("Arguments about money and moving city")
    page.get_by_label("Primary problem area").select_option("role_dispute")
    page.get_by_label("Stage of the dispute").select_option("impasse")
    screenshot("08-inventory-filled")
    page.get_by_role("button", name="Save the interpersonal inventory").click()
    expect(notice(page)).to_contain_text("Interpersonal inventory saved")
    expect(page.locator("#assessment")).to_contain_text("Role dispute (impasse)")

    # Treatment consent, on the client page.
    consent = page.locator("#consent-treatment")
    consent.get_by_label("Signed on").fill(yesterday)
    consent.get_by_role("button", name="Record treatment consent").click()
    expect(notice(page)).to_contain_text("Consent recorded")
    expect(page.locator("#consents")).to_contain_text("In force")
    screenshot("09-consent-recorded")

    # Admission is gated: what is missing shows up front, and the open urgent flag blocks it.
    page.get_by_role("link", name="Admit to an IPT track").click()
    gaps = page.locator("#admission-gaps")
    expect(gaps).to_contain_text("Must be resolved: An urgent risk flag is open")
    expect(gaps).to_contain_text("Screenings still due for this program: GAD-7, AUDIT, DAST-10")
    expect(page.get_by_text("Admit despite what is missing")).to_have_count(0)
    screenshot("10-admission-blocked-by-urgent-flag")

    # A supervisor reviews the flag and clears it, with the reason (a clinician may only when the
    # client is on their caseload or the alert reached them: see the end-to-end intake tests).
    page.get_by_role("button", name="Sign out").click()
    supervisor, supervisor_password = staff_user("supervisor")
    sign_in(page, base, supervisor, supervisor_password)
    page.goto(f"{base}/ui/clients/{client_id}")
    page.get_by_label("Reason for clearing").fill("Assessed today: no plan or intent; safety plan agreed")
    page.get_by_role("button", name="Clear this flag").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, username, password)

    # Admission: individual track, Tuesday mornings; the problem area comes from the inventory.
    page.goto(f"{base}/ui/clients/{client_id}/admission")
    expect(page.locator("#admission-gaps")).not_to_contain_text("Must be resolved")
    expect(page.get_by_label("Primary problem area")).to_have_value("role_dispute")
    expect(page.get_by_label("Stage of the dispute")).to_have_value("impasse")
    page.get_by_label("Individual").check()
    page.get_by_label("Tuesday").check()
    page.get_by_label("Morning").check()
    page.get_by_label("I confirm: admit although what is marked Missing above is not in place").check()
    page.get_by_label("Reason for the override").fill("The remaining screenings are given at the first session")
    screenshot("11-admission-filled-with-override")
    page.get_by_role("button", name="Admit client").click()

    # The admitted client is handed over: back to the queue; the record is the clinical team's now.
    expect(page).to_have_url(re.compile(r"/ui/$"))
    expect(page.get_by_text("The clinical team keeps the record from now on.")).to_be_visible()
    expect(page.locator(f'#work-queue tr[data-client-id="{client_id}"]')).to_have_count(0)
    screenshot("12-client-admitted")

    # Sessions heard about it through Kafka: the episode becomes active.
    found = wait_for(
        lambda: [e for e in episodes(stack, client_id) if e["status"] == "active"],
        30,
        "the sessions service to show the episode active",
    )
    assert found[0]["admission"]["track"] == "individual"
    assert found[0]["admission"]["preferred_days"] == ["tuesday"]

    assert [r.url for r in requests_made if not stays_local(r.url)] == [], "no request leaves the machine"


def test_an_incomplete_phq9_keeps_its_risk_answer_and_details_can_be_corrected(
    stack, page: Page, screenshot, staff_user
):
    base = stack.url("intake")
    sign_in(page, base, *staff_user("intake"))
    family = f"Partial{secrets.token_hex(3)}"
    page.goto(f"{base}/ui/clients/new")
    page.get_by_label("Given name").fill("Robin")
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Date of birth").fill("1979-02-11")
    page.get_by_label("Program").select_option("mental_health")
    page.get_by_label("Email address").fill("robin@example.org")
    page.get_by_label("Email", exact=True).check()
    page.get_by_role("button", name="Register client").click()
    expect(page).to_have_url(re.compile(r"/ui/clients/[0-9a-f-]{36}$"))
    client_id = client_id_from(page)

    # Only question 9 is answered ("Nearly every day"), then the client has to leave.
    page.goto(f"{base}/ui/clients/{client_id}/screenings/new/phq9")
    expect(page.locator("#read-out")).to_contain_text("Over the last 2 weeks")
    answer(page, 9, "Nearly every day")
    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_url(RESULT_URL)
    expect(page.get_by_role("heading", name="Incomplete: not scored")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Suicide risk flagged — urgent")
    screenshot("incomplete-phq9-kept-and-flagged")

    # A typo in the family name and a new phone number are corrected, on the record.
    page.goto(f"{base}/ui/clients/{client_id}")
    page.get_by_role("link", name="Correct the details").click()
    page.get_by_label("Family name").fill(family + "e")
    page.get_by_label("Phone number").fill("+15550177")
    screenshot("correct-details-filled")
    page.get_by_role("button", name="Save the corrections").click()
    expect(notice(page)).to_contain_text("Details saved (family name, contact)")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Robin {family}e")
    expect(page.get_by_text("+15550177")).to_be_visible()
    screenshot("details-corrected")


def test_form_errors_are_announced_and_lead_to_their_fields(stack, page: Page, screenshot, staff_user):
    base = stack.url("intake")
    sign_in(page, base, *staff_user("intake"))
    page.goto(f"{base}/ui/clients/new")
    page.get_by_label("Given name").fill("Casey")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Register client").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(page.get_by_label("Given name")).to_have_value("Casey")
    date_of_birth = page.get_by_label("Date of birth")
    expect(date_of_birth).to_have_attribute("aria-invalid", "true")
    expect(date_of_birth).to_have_accessible_description(re.compile("Enter the date of birth"))
    screenshot("registration-errors")
    summary.get_by_role("link", name=re.compile("Date of birth")).click()
    expect(date_of_birth).to_be_focused()


def test_skip_link_comes_first_and_focus_is_visible(stack, page: Page, screenshot, staff_user):
    base = stack.url("intake")
    sign_in(page, base, *staff_user("intake"))
    page.goto(f"{base}/ui/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot("skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")  # the first control of the page itself
    expect(page.get_by_role("main").get_by_role("link", name="Register a client")).to_be_focused()
    page.keyboard.press("Tab")
    search = page.get_by_role("searchbox", name="Find a client")
    expect(search).to_be_focused()
    assert search.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    screenshot("focus-visible")


def test_ops_accounts_are_turned_away(stack, page: Page, staff_user):
    base = stack.url("intake")
    username, password = staff_user("ops")
    page.goto(f"{base}/ui/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot use these pages")
    page.goto(f"{base}/ui/")
    expect(page).to_have_url(re.compile(r"/ui/login$"))


def test_staff_are_warned_before_the_idle_sign_out_and_can_stay(stack, page: Page, screenshot, staff_user):
    base = stack.url("intake")
    page.clock.install()
    sign_in(page, base, *staff_user("intake"))
    page.goto(f"{base}/ui/clients/new")
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_hidden()
    page.clock.run_for("12:59")
    expect(warning).to_be_hidden()
    page.clock.run_for("00:02")  # two minutes before the 15-minute sign-out
    expect(warning).to_be_visible()
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    screenshot("idle-warning")
    stay.click()
    expect(warning).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Register"))
