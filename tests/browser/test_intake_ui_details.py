"""The small things staff hit in a real browser: keys, confirmations, defaults, wording, the queue."""

from __future__ import annotations

import re
import secrets

import requests
from playwright.sync_api import Page, expect

from tests.browser.test_intake_ui import staff_user  # noqa: F401 - a fixture, used by name
from tests.browser.ui_pages import answer, notice, sign_in


def api_client(stack, **changes: object) -> str:
    """A client registered through the API, with treatment consent unless told otherwise."""
    body = {
        "given_name": "Dana",
        "family_name": f"Detail{secrets.token_hex(3)}",
        "date_of_birth": "1984-06-02",
        "program": "co_occurring",
        "contact": {"email": "dana@example.org", "phone": "+15550142"},
        "preferred_channel": "sms",
        "treatment_consent": {"signed_on": "2026-11-20"},
    } | changes
    response = requests.post(
        f"{stack.url('intake')}/api/v1/clients", json=body, headers=stack.headers("intake"), timeout=10
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_enter_in_the_who_field_saves_the_inventory(stack, page: Page, screenshot, staff_user):  # noqa: F811
    base = stack.url("intake")
    sign_in(page, base, *staff_user("intake"))
    client_id = api_client(stack)
    page.goto(f"{base}/ui/clients/{client_id}/assessment")
    person = page.get_by_role("group", name="Person 1")
    person.get_by_label("Relationship").fill("sister")
    person.get_by_label("Closeness").select_option("4")
    page.get_by_label("Primary problem area").select_option("grief")
    person.get_by_label("Who").fill("my sister")
    person.get_by_label("Who").press("Enter")  # the habit of finishing a field with Enter
    expect(notice(page)).to_contain_text("Interpersonal inventory saved")
    expect(page.locator("#assessment")).to_contain_text("my sister")
    screenshot("inventory-saved-by-enter")


def test_revoking_a_consent_asks_for_a_reason_first(stack, page: Page, screenshot, staff_user):  # noqa: F811
    base = stack.url("intake")
    sign_in(page, base, *staff_user("intake"))
    client_id = api_client(stack)
    page.goto(f"{base}/ui/clients/{client_id}")
    consents = page.locator("#consents")
    consents.get_by_text("Revoke…").click()
    expect(consents.get_by_label("Why is it revoked?")).to_be_visible()
    screenshot("revoke-confirmation")
    consents.get_by_role("button", name="Revoke this consent").click()
    expect(page.locator("#consents")).to_contain_text("Say why.")
    expect(page.locator("#consents")).to_contain_text("In force")
    page.locator("#consents").get_by_label("Why is it revoked?").fill("The client withdrew it in writing")
    page.locator("#consents").get_by_role("button", name="Revoke this consent").click()
    expect(notice(page)).to_contain_text("Consent revoked")
    expect(page.locator("#consents")).to_contain_text("The client withdrew it in writing")


def test_no_urgency_is_chosen_for_staff_and_cssrs_no_risk_reads_in_words(
    stack,
    page: Page,
    screenshot,
    staff_user,  # noqa: F811
):
    base = stack.url("intake")
    sign_in(page, base, *staff_user("intake"))
    client_id = api_client(stack)
    page.goto(f"{base}/ui/clients/{client_id}")
    urgency = page.get_by_role("group", name=re.compile("^Urgency"))
    for option in ("Urgent — assess today", "High"):
        expect(urgency.get_by_label(option)).not_to_be_checked()

    page.goto(f"{base}/ui/clients/{client_id}/screenings/new/cssrs_screen")
    expect(page.get_by_text("(needed when question 6 is yes)")).to_be_visible()
    for number in (1, 2, 6):
        answer(page, number, "No")
    page.get_by_role("button", name="Submit answers").click()
    result = page.locator(".result-grid")
    expect(result).to_contain_text("No risk identified")
    expect(result).not_to_contain_text("No reminders")
    screenshot("cssrs-no-risk-in-words")


def test_the_queue_filters_by_stage_and_shows_what_comes_next(stack, page: Page, screenshot, staff_user):  # noqa: F811
    base = stack.url("intake")
    sign_in(page, base, *staff_user("intake"))
    client_id = api_client(stack, program="mental_health")
    page.goto(f"{base}/ui/")
    page.get_by_label("Stage").select_option("new")
    page.get_by_label("Program").select_option("mental_health")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"stage=new"))
    row = page.locator(f'#work-queue tr[data-client-id="{client_id}"]')
    expect(row).to_contain_text("New referral")
    expect(row).to_contain_text("Start the screenings: PHQ-9, GAD-7")
    expect(page.locator("#work-queue")).not_to_contain_text("Screenings under way")
    screenshot("queue-new-referrals")
