"""Client self-report in headless Chromium on a phone, against the running stack.

Two sessions booked in sessions for a client of the co-occurring program reach outcomes over Kafka,
which offers each one's measures through a one-time link (`outcomes.self_report.offered`): PHQ-9,
GAD-7, AUDIT and DAST-10 before the first, PHQ-9 and GAD-7 before the second (the others are
monthly). The client opens the first link on a phone with no JavaScript, answers by touch and by
keyboard, is told which answer is missing, sends the form; the measures appear at
GET /clients/{id}/outcomes, and the link then says the answers were sent. The second link is
answered with PHQ-9 item 9 above 0: the page shows where to get help, never a score, and the
clinician gets `outcomes.alert.raised`. Every state of the page passes axe-core (WCAG 2.1 A and AA,
7:1 text contrast) at 390×844.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from shared.envelope import parse_envelope
from shared.topics import events_topic
from tests.browser.axe_checks import AXE_OPTIONS, describe, run_axe
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, SCREENSHOT_DIR
from tests.e2e.test_outcomes_measurement import book, outcomes_api, screen, treated_by_new_clinician
from tests.e2e.test_sessions_course import admitted_client
from tests.support.infra import wait_for
from tests.support.kafka_tools import read_all

PHONE = {"width": 390, "height": 844}
FREQUENCY = ("Not at all", "Several days", "More than half the days", "Nearly every day")
REVEALING = ("substance", "Substance", "co-occurring", "Co-occurring", "program", "PHQ", "GAD", "AUDIT", "DAST")


def outcomes_events(infra, client_id: str, type_: str) -> list[dict]:
    records = read_all(infra.kafka_bootstrap, events_topic("outcomes"), expect=100_000, timeout=3)
    events = [parse_envelope(r.value) for r in records if r.key == client_id.encode()]
    return [e.data for e in events if e.type == type_]


@pytest.fixture(scope="module")
def offered(stack, infra) -> dict:
    """A client screened at intake (PHQ-9 item 9 at 0), with two sessions booked for tomorrow, and the
    two offers outcomes made for them."""
    client_id = admitted_client(stack)
    screen(stack, client_id, "phq9", [0, 0, 1, 1, 0, 0, 0, 0, 0], difficulty=0)
    episode_id, clinician = treated_by_new_clinician(stack, client_id)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    sessions = book(stack, episode_id, tomorrow, 1) + book(stack, episode_id, tomorrow + timedelta(hours=4), 1)

    def both_offers() -> dict[str, dict] | None:
        offers = {o["session_id"]: o for o in outcomes_events(infra, client_id, "outcomes.self_report.offered")}
        return offers if len(offers) == 2 else None

    offers = wait_for(both_offers, 60, "outcomes.self_report.offered for both sessions")
    response = requests.get(
        f"{stack.url('intake')}/api/v1/clients/{client_id}", headers=stack.headers("admin"), timeout=10
    )
    client = response.json()
    return {
        "client_id": client_id,
        "clinician": clinician,
        "names": (client["given_name"], client["family_name"]),
        "links": [offers[s["id"]]["link"] for s in sessions],
        "offers": [offers[s["id"]] for s in sessions],
    }


def phone_context(browser: Browser, **options) -> BrowserContext:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def phone(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The client's phone: touch, no JavaScript at all, the page's own security policy in force."""
    context = phone_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def checked_phone(browser: Browser) -> Iterator[Page]:
    """A phone for axe-core, which is injected as a script (so the policy is bypassed)."""
    context = phone_context(browser, bypass_csp=True)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"self-report-{name}.png"), full_page=True)


def part(page: Page, number: int):
    return page.get_by_role("region", name=re.compile(rf"^Part {number} of "))


def question(section, number: int):
    return section.get_by_role("group", name=re.compile(rf"^{number}\. "))


def assert_accessible(page: Page, where: str) -> None:
    violations = run_axe(page, AXE_OPTIONS)
    assert not violations, describe(violations, where)
    scrolls = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not scrolls, f"{where} scrolls sideways on a phone"


def test_each_session_is_offered_its_programs_measures_through_a_link(offered):
    first, second = offered["offers"]
    assert first["instruments"] == ["phq9", "gad7", "audit", "dast10"]
    assert second["instruments"] == ["phq9", "gad7"]  # AUDIT and DAST-10 are monthly
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]{32}", first["link"])
    assert first["available_from"] <= first["offered_at"] < first["expires_at"] <= second["expires_at"]


def test_the_questions_and_their_errors_pass_axe_on_a_phone(offered, checked_phone: Page):
    page = checked_phone
    page.goto(offered["links"][0])
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Part 1 of 4", "Part 2 of 4", "Part 3 of 4", "Part 4 of 4"]
    )
    html = page.content()
    assert not [word for word in (*REVEALING, *offered["names"]) if word in html]
    assert_accessible(page, "the questions")
    shot(page, "00-form-four-parts")
    page.get_by_role("button", name="Send my answers").tap()  # nothing answered: nothing recorded
    expect(page.locator(".error-summary")).to_contain_text("Part 4, question 10: Choose an answer.")
    assert_accessible(page, "the questions with every answer missing")


def test_a_client_answers_on_a_phone_without_javascript(stack, offered, phone: Page):
    requests_made: list[str] = []
    phone.on("request", lambda r: requests_made.append(r.url))
    link = offered["links"][0]
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1, name="Questions before your appointment")).to_be_visible()
    body = phone.locator("body").inner_text()
    assert all(name not in body for name in offered["names"]), "the client's name is on the page"
    assert phone.locator("script").count() == 0
    shot(phone, "01-form")

    # PHQ-9 by touch: a tap anywhere on an answer picks it.
    phq9 = part(phone, 1)
    for number, answer in enumerate((1, 1, 2, 1, 0, 1, 0, 1, 0), start=1):
        question(phq9, number).get_by_text(FREQUENCY[answer], exact=True).tap()
    expect(question(phq9, 3).get_by_label("More than half the days", exact=True)).to_be_checked()

    # GAD-7 by keyboard: Tab to each question, the arrow keys to the answer; question 7 forgotten.
    gad7 = part(phone, 2)
    question(gad7, 1).get_by_role("radio").first.focus()
    for number, answer in enumerate((1, 1, 0, 2, 1, 0), start=1):
        if number > 1:
            phone.keyboard.press("Tab")
        phone.keyboard.press("Space")
        for _ in range(answer):
            phone.keyboard.press("ArrowRight")
        expect(question(gad7, number).get_by_label(FREQUENCY[answer], exact=True)).to_be_checked()

    # AUDIT: "Never" to question 1 goes straight to question 9. DAST-10: every answer "No".
    audit = part(phone, 3)
    question(audit, 1).get_by_text("Never", exact=True).tap()
    for number in (9, 10):
        question(audit, number).get_by_text("No", exact=True).tap()
    dast10 = part(phone, 4)
    for number in range(1, 11):
        question(dast10, number).get_by_text("No", exact=True).tap()
    phone.get_by_role("button", name="Send my answers").focus()
    phone.keyboard.press("Enter")

    # The missing answer is named and linked; what was answered is kept; nothing was recorded.
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("Part 2, question 7: Choose an answer.")
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(summary).to_be_focused()
    expect(question(part(phone, 1), 3).get_by_label("More than half the days", exact=True)).to_be_checked()
    shot(phone, "02-missing-answer")
    mine = {"role": "clinician", "sub": offered["clinician"]}
    measures = outcomes_api(stack, "GET", f"/clients/{offered['client_id']}/measures", **mine).json()
    assert [m for m in measures if m["source"] == "self_report"] == []

    summary.get_by_role("link", name=re.compile("Part 2, question 7")).tap()
    question(part(phone, 2), 7).get_by_text("Several days", exact=True).tap()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_role("heading", level=1, name="Thank you, your answers have been sent")).to_be_visible()
    expect(phone.get_by_text("Help is there if you need it")).to_have_count(0)
    shot(phone, "03-sent")

    # The measures are the client's outcomes now, like any other.
    outcomes = outcomes_api(stack, "GET", f"/clients/{offered['client_id']}/outcomes", **mine).json()
    latest = {code: outcome["latest"] for code, outcome in outcomes["instruments"].items()}
    assert latest == {"phq9": 7, "gad7": 6, "audit": 0, "dast10": 1}  # DAST-10 question 3 scores a "No"
    assert [p["source"] for p in outcomes["instruments"]["phq9"]["series"]] == ["intake", "self_report"]
    assert [p["source"] for p in outcomes["instruments"]["gad7"]["series"]] == ["self_report"]

    # The link was for one set of answers.
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1, name="Your answers have already been sent")).to_be_visible()
    shot(phone, "04-already-sent")
    assert all(url.startswith(stack.url("outcomes") + "/r/") for url in requests_made), requests_made


def test_item_9_above_0_shows_where_to_get_help_and_every_page_passes_axe(stack, infra, offered, checked_phone: Page):
    page = checked_phone
    link = offered["links"][1]
    page.goto(link)
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.locator(".error-summary li")).to_have_count(9 + 7)  # every question named; the optional one not
    shot(page, "05-all-missing")

    for number, answer in enumerate((2, 2, 2, 2, 2, 2, 2, 2, 1), start=1):
        question(part(page, 1), number).get_by_text(FREQUENCY[answer], exact=True).tap()
    for number in range(1, 8):
        question(part(page, 2), number).get_by_text("More than half the days", exact=True).tap()
    page.get_by_role("button", name="Send my answers").tap()
    help_box = page.locator("#get-help")
    expect(help_box).to_contain_text("Help is there if you need it")
    expect(help_box).to_contain_text("988")
    assert not re.search(r"\b(17|14)\b|severe|moderate", page.locator("main").inner_text())  # never a score
    assert_accessible(page, "the thank-you page with where to get help")
    shot(page, "06-sent-get-help")

    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Your answers have already been sent")).to_be_visible()
    assert_accessible(page, "a used link")
    page.goto(re.sub(r"/r/.*$", "/r/" + "A" * 32, link))
    expect(page.get_by_role("heading", level=1, name="This link cannot be used")).to_be_visible()
    assert_accessible(page, "an unknown link")
    shot(page, "07-unknown-link")

    # Item 9 newly above 0 during treatment: the clinician is alerted, as for any measure.
    alerts = wait_for(
        lambda: outcomes_events(infra, offered["client_id"], "outcomes.alert.raised") or None,
        30,
        "outcomes.alert.raised for item 9",
    )
    assert "phq9_item9_positive" in {a["kind"] for a in alerts}
    withdrawn = outcomes_events(infra, offered["client_id"], "outcomes.self_report.withdrawn")
    assert {"offer_id": offered["offers"][1]["offer_id"], "reason": "completed"}.items() <= next(
        w for w in withdrawn if w["offer_id"] == offered["offers"][1]["offer_id"]
    ).items()
