"""The intake staff UI through Flask's test client, with fake repositories and an in-memory user store."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.auth import ROLES
from shared.users import InMemoryUserStore
from tests.support.events import assign_in_intake
from tests.unit.intake_ui.conftest import Clock

PASSWORD = "correct horse battery staple"
REGISTRATION = {
    "given_name": "Alex",
    "family_name": "Example",
    "date_of_birth": "1990-04-01",
    "program": "co_occurring",
    "contact.email": "alex@example.org",
    "contact.phone": "+15550100",
    "preferred_channel": "sms",
    "referral.source": "GP",
    "referral.date": "2024-03-01",
}


@pytest.fixture
def users(clock: Clock) -> InMemoryUserStore:
    store = InMemoryUserStore(clock=clock)
    for role in ROLES:
        store.add(f"{role}-user", role, PASSWORD)
    return store


def csrf_from(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(web: FlaskClient, username: str = "intake-user", password: str = PASSWORD):
    token = csrf_from(web.get("/ui/login").text)
    return web.post("/ui/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def staff(web: FlaskClient) -> FlaskClient:
    assert sign_in(web).status_code == 302
    return web


def switch_to(web: FlaskClient, username: str) -> FlaskClient:
    """Signs whoever is signed in out, and `username` in."""
    post(web, "/ui/logout", {})
    assert sign_in(web, username=username).status_code == 302
    return web


def post(web: FlaskClient, url: str, data: dict[str, Any], page: str | None = None):
    """POSTs a form with the session's CSRF token (read from `page`, else from the work queue)."""
    token = csrf_from(page if page is not None else web.get("/ui/").text)
    return web.post(url, data={**data, "csrf_token": token})


def register(web: FlaskClient, **overrides: str) -> str:
    response = post(web, "/ui/clients/new", {**REGISTRATION, **overrides})
    assert response.status_code == 302, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def error_for(page: str, field_id: str) -> str:
    """The inline error message linked to the input with this id (via aria-describedby)."""
    tag = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*id="{field_id}"[^>]*>', page)
    assert tag, f"no input {field_id}"
    assert 'aria-invalid="true"' in tag.group(0), f"{field_id} is not marked invalid"
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    if described is None:  # a radio: its group's fieldset carries the description
        fieldset = page.rfind("<fieldset", 0, tag.start())
        described = re.search(r'aria-describedby="([^"]+)"', page[fieldset : page.index(">", fieldset)])
    assert described, f"{field_id} has no aria-describedby"
    error_id = [i for i in described.group(1).split() if i.startswith("e-")][0]
    message = re.search(rf'<p class="error-message" id="{error_id}">(.*?)</p>', page, re.S)
    assert message, f"no error message {error_id}"
    return html.unescape(re.sub(r"<[^>]+>", "", message.group(1))).strip()


def summary_links(page: str) -> list[str]:
    block = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert block, "no error summary"
    return re.findall(r'<a href="#([^"]+)"', block.group(0))


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def phq9(item9: int, others: int = 0, missing: tuple[int, ...] = ()) -> dict[str, str]:
    answers = {f"answers.{n}": str(others) for n in range(1, 9)} | {"answers.9": str(item9)}
    return {key: value for key, value in answers.items() if int(key.split(".")[1]) not in missing}


# -- sign-in, sessions, CSRF, roles ---------------------------------------------------------------
def test_sign_in_opens_the_work_queue_with_a_strict_http_only_cookie(web):
    response = sign_in(web)
    assert response.status_code == 302 and response.headers["Location"] == "/ui/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/ui" in cookie
    assert "Secure" not in cookie  # only with UI_COOKIE_SECURE=true
    queue = web.get("/ui/")
    assert queue.status_code == 200
    assert "<h1>Work queue</h1>" in queue.text and "intake-user" in queue.text


def test_wrong_password_is_refused_without_a_session(web):
    response = sign_in(web, password="not the password")
    assert response.status_code == 401
    assert "The username or password is not right" in response.text
    assert web.get("/ui/").headers["Location"] == "/ui/login"


def test_unknown_user_gets_the_same_answer(web):
    assert "The username or password is not right" in sign_in(web, username="nobody").text


def test_failed_sign_ins_make_the_next_attempt_wait_longer_instead_of_locking(app, web, clock):
    for _ in range(2):
        assert sign_in(web, password="wrong password!").status_code == 401
    third = sign_in(web, password="wrong password!")
    assert third.status_code == 401 and "each next attempt has to wait a little longer" in third.text
    waiting = sign_in(web)
    assert waiting.status_code == 429 and waiting.headers["Retry-After"] == "1"
    assert "Wait 1 second and try again" in text_of(waiting.text), "unheard, even with the right password"
    assert web.get("/ui/").headers["Location"] == "/ui/login"
    # Not a lockout: the same person a second later, or a colleague at another desk at once.
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert sign_in(elsewhere).status_code == 302
    clock.now += timedelta(seconds=1)
    assert sign_in(web).status_code == 302


def test_pages_need_a_session_and_return_there_after_sign_in(web, deps):
    response = web.get("/ui/clients/some-id")
    assert response.status_code == 302 and response.headers["Location"] == "/ui/login"
    signed = sign_in(web)
    assert signed.headers["Location"] == "/ui/clients/some-id"


def test_fifteen_idle_minutes_sign_the_user_out(staff, clock):
    clock.now += timedelta(minutes=14)  # the server-side session runs on the injected clock
    assert staff.get("/ui/").status_code == 200, "14 idle minutes are fine, and activity resets the clock"
    clock.now += timedelta(minutes=15, seconds=5)
    response = staff.get("/ui/")
    assert response.status_code == 302 and response.headers["Location"] == "/ui/login"
    login = staff.get("/ui/login")
    assert "signed out after 15 minutes without activity" in login.text
    assert staff.get("/ui/").status_code == 302


def test_sign_out_ends_the_session(staff):
    response = post(staff, "/ui/logout", {})
    assert response.status_code == 302
    assert "You have signed out." in staff.get("/ui/login").text
    assert staff.get("/ui/").status_code == 302


def test_a_disabled_account_is_signed_out_at_its_next_request(staff, users):
    users.disable("intake-user")
    assert staff.get("/ui/").headers["Location"] == "/ui/login"


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_posts_without_the_session_csrf_token_are_refused(staff, deps, token):
    data = dict(REGISTRATION) | ({"csrf_token": token} if token is not None else {})
    response = staff.post("/ui/clients/new", data=data)
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert deps.memory.collection("clients") == {}


def test_sign_in_itself_needs_the_csrf_token(web):
    web.get("/ui/login")
    response = web.post("/ui/login", data={"username": "intake-user", "password": PASSWORD})
    assert response.status_code == 400


def test_ops_may_not_use_the_staff_pages(web):
    response = sign_in(web, username="ops-user")
    assert response.status_code == 403
    assert "cannot use the intake staff pages" in response.text
    assert web.get("/ui/").status_code == 302, "no session for ops"


@pytest.mark.parametrize("role", ["clinician", "supervisor", "admin"])
def test_other_staff_roles_may_sign_in(web, role):
    assert sign_in(web, username=f"{role}-user").status_code == 302
    assert web.get("/ui/").status_code == 200


def test_only_registrars_register_clients(web):
    sign_in(web, username="clinician-user")
    assert "Register a client" not in web.get("/ui/").text
    assert web.get("/ui/clients/new").status_code == 403


def test_pages_are_not_cached_and_lock_down_the_browser(staff):
    response = staff.get("/ui/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"  # other sites learn nothing
    static = staff.get("/ui/static/staff.css")
    assert static.status_code == 200 and static.headers["Content-Type"].startswith("text/css")


def test_root_redirects_to_the_ui_which_stays_out_of_the_api_document(web):
    assert web.get("/").headers["Location"] == "/ui/"
    paths = web.get("/openapi.json").get_json()["paths"]
    assert paths and not [path for path in paths if not path.startswith("/api/")]


# -- registration ---------------------------------------------------------------------------------
def test_registration_redirects_to_the_client_page_by_id_only(staff, deps):
    response = post(staff, "/ui/clients/new", REGISTRATION)
    assert response.status_code == 302
    location = response.headers["Location"]
    [client] = deps.repos.clients.documents.find({})
    assert location == f"/ui/clients/{client.id}"
    assert "Alex" not in location and "Example" not in location
    page = staff.get(location)
    assert "Alex Example" in page.text and "Client registered" in page.text


def test_registration_errors_are_shown_inline_and_the_values_kept(staff, deps):
    form = dict(REGISTRATION, date_of_birth="", **{"contact.email": "not-an-email"}, given_name="Robin")
    response = post(staff, "/ui/clients/new", form)
    assert response.status_code == 422
    page = response.text
    assert (
        error_for(page, "f-date-of-birth")
        == "Error: Enter the date of birth, as a real date (for example 14 July 1988)."
    )
    assert error_for(page, "f-contact-email").startswith("Error: Enter an email address")
    assert summary_links(page) == ["f-date-of-birth", "f-contact-email"]
    assert "data-autofocus" in page and "There is a problem" in page
    assert 'value="Robin"' in page and 'value="not-an-email"' in page and 'value="+15550100"' in page
    assert re.search(r'value="co_occurring" selected', page)
    assert re.search(r'id="f-preferred-channel"[^>]*value="sms"\s+checked', page)
    assert deps.memory.collection("clients") == {}


def test_domain_rules_are_shown_inline_too(staff):
    form = dict(REGISTRATION, **{"contact.phone": ""}, date_of_birth="2999-01-01", given_name="")
    page = post(staff, "/ui/clients/new", form).text
    # The form's own checks and the domain's rules come back together, in one round.
    assert error_for(page, "f-given-name").startswith("Error: ")
    assert error_for(page, "f-contact-phone") == "Error: A phone number is needed for reminders by text message."
    assert error_for(page, "f-date-of-birth") == "Error: The date of birth cannot be in the future."


def test_possible_duplicate_lists_the_existing_client_and_can_be_overridden(staff, deps):
    first = register(staff)
    response = post(staff, "/ui/clients/new", REGISTRATION)
    assert response.status_code == 409
    assert f'href="/ui/clients/{first}"' in response.text
    assert "This is a different person — register anyway" in response.text
    assert len(deps.memory.collection("clients")) == 1
    again = post(staff, "/ui/clients/new", {**REGISTRATION, "allow_duplicate": "yes"})
    assert again.status_code == 302
    assert len(deps.memory.collection("clients")) == 2


def test_treatment_consent_can_be_recorded_at_registration(staff, deps):
    client_id = register(staff, **{"treatment_consent.signed_on": "2024-03-02"})
    [consent] = deps.repos.clients.get(client_id).consents
    assert (consent.kind, consent.signed_on.isoformat(), consent.recorded_by) == (
        "treatment",
        "2024-03-02",
        "intake-user",
    )


# -- search and the work queue --------------------------------------------------------------------
def test_search_posts_the_name_and_finds_the_client(staff):
    client_id = register(staff)
    queue = staff.get("/ui/").text
    assert re.search(r'<form method="post" action="/ui/" role="search"', queue)
    found = post(staff, "/ui/", {"q": "ale exa"})
    assert found.status_code == 200 and f'href="/ui/clients/{client_id}"' in found.text
    assert "1 client found" in found.text
    assert "0 clients found" in post(staff, "/ui/", {"q": "zzz"}).text


def test_an_urgent_risk_flag_puts_the_client_first_in_the_queue(staff):
    calm = register(staff, given_name="Calm")
    at_risk = register(staff, given_name="Risky", family_name="Person")
    post(staff, f"/ui/clients/{at_risk}/screenings/new/phq9", phq9(item9=2))
    rows = re.findall(r'<tr class="queue__row([^"]*)" data-client-id="([^"]+)"', staff.get("/ui/").text)
    assert [client for _, client in rows] == [at_risk, calm]
    assert "row--urgent" in rows[0][0]
    assert "URGENT RISK" in text_of(staff.get("/ui/").text)


# -- screenings -----------------------------------------------------------------------------------
def test_the_phq9_form_has_a_fieldset_and_radios_per_item(staff):
    client_id = register(staff)
    page = staff.get(f"/ui/clients/{client_id}/screenings/new/phq9").text
    assert "PHQ-9" in page and "version 1.0" in page
    assert page.count('<fieldset class="fieldset"') == 10  # nine items and the difficulty question
    assert len(re.findall(r'type="radio" id="[^"]+" name="answers\.9"', page)) == 4
    assert 'id="f-answers-9" name="answers.9" value="0"' in page
    assert re.search(r'<label class="choice__label" for="f-answers-9-4">Nearly every day</label>', page)
    assert 'name="difficulty"' in page


def test_phq9_item_9_answered_2_shows_the_risk_banner_on_the_result(staff, deps):
    client_id = register(staff)
    response = post(staff, f"/ui/clients/{client_id}/screenings/new/phq9", phq9(item9=2, others=1))
    assert response.status_code == 302
    [screening] = deps.repos.screenings.documents.find({})
    assert response.headers["Location"] == f"/ui/clients/{client_id}/screenings/{screening.id}"
    result = staff.get(response.headers["Location"]).text
    banner = re.search(r'<section class="risk-banner[^"]*" role="alert".*?</section>', result, re.S)
    assert banner, "no risk banner"
    assert "Suicide risk flagged — urgent: a clinician must assess today" in text_of(banner.group(0))
    assert "PHQ-9 question 9" in text_of(banner.group(0))
    words = text_of(result)
    assert "Total score 10 of 27" in words and "Moderate" in words and "Positive" in words
    assert "Suicidal ideation" in words
    client_page = staff.get(f"/ui/clients/{client_id}").text
    assert 'role="alert"' in client_page


def test_a_negative_screen_without_risk_has_no_banner(staff):
    client_id = register(staff)
    result = staff.get(
        post(staff, f"/ui/clients/{client_id}/screenings/new/phq9", phq9(item9=0)).headers["Location"]
    ).text
    assert 'role="alert"' not in result
    assert "Negative" in text_of(result)


def test_missing_answers_are_named_and_the_given_answers_kept(staff, deps):
    client_id = register(staff)
    response = post(staff, f"/ui/clients/{client_id}/screenings/new/phq9", phq9(item9=0, others=2, missing=(4, 7)))
    assert response.status_code == 422
    page = response.text
    assert error_for(page, "f-answers-4") == "Error: Question 4 is unanswered."
    assert error_for(page, "f-answers-7") == "Error: Question 7 is unanswered."
    assert summary_links(page) == ["f-answers-4", "f-answers-7"]
    assert re.search(r'id="f-answers-1-3" name="answers\.1" value="2"\s+checked', page)
    assert re.search(r'id="f-answers-9" name="answers\.9" value="0"\s+checked', page)
    assert deps.memory.collection("screenings") == {}


def test_an_incomplete_phq9_with_item_9_answered_keeps_the_answers_and_raises_the_flag(staff, deps):
    client_id = register(staff)
    only_item9 = {"answers.9": "3"}  # "Nearly every day", nothing else answered
    response = post(staff, f"/ui/clients/{client_id}/screenings/new/phq9", only_item9)
    assert response.status_code == 302
    result = staff.get(response.headers["Location"]).text
    words = text_of(result)
    assert "Incomplete: not scored" in words and "Question 1: Question 1 is unanswered." in words
    assert "Total score" not in words and 'role="alert"' in result
    [screening] = deps.repos.screenings.documents.find({})
    assert screening.answers[8] == 3 and not screening.complete
    [flag] = deps.repos.clients.get(client_id).open_risk_flags
    assert (flag.urgency, flag.screening_id) == ("urgent", screening.id)


def test_an_incomplete_cssrs_with_risk_answers_raises_the_flag(staff, deps):
    client_id = register(staff)
    answers = {"answers.1": "true", "answers.2": "true", "answers.6": "true"}  # the rest blank
    response = post(staff, f"/ui/clients/{client_id}/screenings/new/cssrs_screen", answers)
    assert response.status_code == 302
    [flag] = deps.repos.clients.get(client_id).open_risk_flags
    assert flag.urgency == "urgent"  # behaviour of unknown timing is read as recent


def test_a_cssrs_with_every_answer_no_says_no_risk_in_words(staff):
    client_id = register(staff)
    answers = {f"answers.{n}": "false" for n in (1, 2, 6)}
    result = staff.get(post(staff, f"/ui/clients/{client_id}/screenings/new/cssrs_screen", answers).headers["Location"])
    words = text_of(result.text)
    assert "Risk level No risk identified" in words and "No reminders" not in words
    client_page = text_of(staff.get(f"/ui/clients/{client_id}").text)
    assert "No risk identified" in client_page and "No reminders" not in client_page


def test_cssrs_timing_question_is_asked_and_checked_by_the_server(staff):
    client_id = register(staff)
    contradicting = {"answers.1": "true", "answers.2": "false", "answers.6": "false", "q6_recent": "true"}
    page = post(staff, f"/ui/clients/{client_id}/screenings/new/cssrs_screen", contradicting).text
    assert error_for(page, "f-q6-recent") == "Error: Cannot be yes when question 6 was answered no."
    answers = {"answers.1": "true", "answers.2": "false", "answers.6": "true"}
    # Without the timing the form cannot be scored, but past behaviour is never lost: kept, flagged.
    kept = staff.get(post(staff, f"/ui/clients/{client_id}/screenings/new/cssrs_screen", answers).headers["Location"])
    assert "Incomplete: not scored" in text_of(kept.text) and "Say whether the behaviour in question 6" in kept.text
    done = post(staff, f"/ui/clients/{client_id}/screenings/new/cssrs_screen", answers | {"q6_recent": "true"})
    result = staff.get(done.headers["Location"]).text
    assert "C-SSRS risk level High" in text_of(result) and 'role="alert"' in result


def test_audit_c_leaves_sex_at_birth_to_the_server(staff):
    client_id = register(staff, sex_at_birth="male")
    page = staff.get(f"/ui/clients/{client_id}/screenings/new/auditc").text
    assert 'name="sex_at_birth"' not in page


def test_unknown_instrument_or_client_is_a_404_page(staff):
    client_id = register(staff)
    missing = staff.get(f"/ui/clients/{client_id}/screenings/new/horoscope")
    assert missing.status_code == 404 and "<h1>Not found</h1>" in missing.text
    assert staff.get("/ui/clients/no-such-client").status_code == 404
    assert staff.get("/ui/no/such/page").status_code == 404


# -- risk flags -----------------------------------------------------------------------------------
def test_staff_raise_a_flag_and_only_clinicians_see_the_clear_form(web, deps):
    sign_in(web)
    client_id = register(web)
    assert (
        post(web, f"/ui/clients/{client_id}/risk-flags", {"urgency": "high", "note": "said goodbye"}).status_code == 302
    )
    page = web.get(f"/ui/clients/{client_id}").text
    assert "Suicide risk flagged — high" in text_of(page) and "Clear this flag" not in page
    [flag] = deps.repos.clients.get(client_id).risk_flags
    assert post(web, f"/ui/clients/{client_id}/risk-flags/{flag.id}/clear", {"reason": "x"}).status_code == 403

    assign_in_intake(deps, client_id, "clinician-user")
    switch_to(web, "clinician-user")
    page = web.get(f"/ui/clients/{client_id}").text
    assert "Clear this flag" in page
    blank = post(web, f"/ui/clients/{client_id}/risk-flags/{flag.id}/clear", {"reason": "  "})
    assert blank.status_code == 422
    assert error_for(blank.text, f"f-clear-{flag.id}-reason") == "Error: Say why."  # not "Must not be blank."
    cleared = post(web, f"/ui/clients/{client_id}/risk-flags/{flag.id}/clear", {"reason": "Assessed; safety plan"})
    assert cleared.status_code == 302
    assert 'role="alert"' not in web.get(f"/ui/clients/{client_id}").text


# -- consents -------------------------------------------------------------------------------------
def test_part2_consent_needs_its_elements_and_recipients_one_per_line(staff, deps):
    client_id = register(staff)
    bad = post(
        staff,
        f"/ui/clients/{client_id}/consents",
        {"kind": "part2_disclosure", "signed_on": "2024-03-02", "signed_by": "client"},
    )
    assert bad.status_code == 422
    assert error_for(bad.text, "f-consent-part2-disclosure-scope") == "Error: Say what information may be disclosed."
    good = post(
        staff,
        f"/ui/clients/{client_id}/consents",
        {
            "kind": "part2_disclosure",
            "signed_on": "2024-03-02",
            "signed_by": "client",
            "scope": "Attendance",
            "recipients": "Dr Jones\r\n\r\nCounty court\r\n",
            "purpose": "Care coordination",
            "expires_on": "2025-12-31",
        },
    )
    assert good.status_code == 302
    [consent] = deps.repos.clients.get(client_id).consents
    assert consent.recipients == ["Dr Jones", "County court"]
    page = staff.get(f"/ui/clients/{client_id}").text
    # One recipient per line on the record too: never "Dr Jones, County court" read as three names.
    assert re.search(r"<li>Dr Jones</li><li>County court</li>", page)
    revoke = re.search(rf'action="(/ui/clients/{client_id}/consents/{consent.id}/revoke)"', page)
    assert revoke and "<details" in page and "Revoke…" in page  # a second, deliberate step
    no_reason = post(staff, revoke.group(1), {})
    assert no_reason.status_code == 422 and deps.repos.clients.get(client_id).consents[0].revoked_at is None
    assert error_for(no_reason.text, f"f-revoke-{consent.id}-reason") == "Error: Say why."
    assert post(staff, revoke.group(1), {"reason": "Withdrawn in writing"}).status_code == 302
    revoked = deps.repos.clients.get(client_id).consents[0]
    assert revoked.revoked_at is not None and revoked.revoke_reason == "Withdrawn in writing"


def test_raising_a_flag_needs_a_chosen_urgency(staff, deps):
    client_id = register(staff)
    page = staff.get(f"/ui/clients/{client_id}").text
    assert not re.search(r'name="urgency" value="\w+"\s+checked', page)  # nothing preselected
    refused = post(staff, f"/ui/clients/{client_id}/risk-flags", {"note": "seemed low"})
    assert refused.status_code == 422 and deps.repos.clients.get(client_id).risk_flags == []
    assert error_for(refused.text, "f-flag-urgency") == "Error: Choose how urgent the risk is."


def test_enter_in_the_inventory_saves_rather_than_adding_a_person(staff):
    client_id = register(staff)
    page = staff.get(f"/ui/clients/{client_id}/assessment").text
    form = re.search(r'<form method="post" action="/ui/clients/[^"]+/assessment".*?</form>', page, re.S).group(0)
    first_submit = re.search(r'<button[^>]*type="submit"[^>]*>', form).group(0)
    assert 'value="save"' in first_submit  # the button Enter presses


def test_a_flag_from_a_cssrs_is_named_once_in_the_banner(staff):
    client_id = register(staff)
    answers = {
        "answers.1": "true",
        "answers.2": "true",
        "answers.3": "true",
        "answers.4": "true",
        "answers.5": "false",
        "answers.6": "false",
    }
    post(staff, f"/ui/clients/{client_id}/screenings/new/cssrs_screen", answers)
    banner = re.search(r'<section class="risk-banner.*?</section>', staff.get(f"/ui/clients/{client_id}").text, re.S)
    words = text_of(banner.group(0))
    assert words.count("C-SSRS screener") == 1 and "screener screening" not in words


def test_screening_forms_give_staff_the_opening_question_and_say_when_an_answer_is_needed(staff):
    client_id = register(staff)
    phq9_form = text_of(staff.get(f"/ui/clients/{client_id}/screenings/new/phq9").text)
    assert "Read this out first “Over the last 2 weeks, how often have you been bothered" in phq9_form
    cssrs_form = staff.get(f"/ui/clients/{client_id}/screenings/new/cssrs_screen").text
    assert "(needed when question 6 is yes)" in cssrs_form and "(optional)" not in cssrs_form


def test_part2_form_only_for_substance_use_programs(staff):
    client_id = register(staff, program="mental_health", given_name="Sam")
    assert "Part 2 disclosure consent" not in staff.get(f"/ui/clients/{client_id}").text


# -- interpersonal inventory ----------------------------------------------------------------------
def inventory(**values: str) -> dict[str, str]:
    return {"relationship_rows": "3", "event_rows": "2", **values}


def test_inventory_starts_with_three_people_and_two_events(staff):
    client_id = register(staff)
    page = staff.get(f"/ui/clients/{client_id}/assessment").text
    assert page.count('<legend class="legend">Person ') == 3
    assert page.count('<legend class="legend">Life event ') == 2
    assert 'id="f-relationships-0-closeness"' in page


def test_add_another_person_keeps_what_was_typed(staff, deps):
    client_id = register(staff)
    typed = inventory(
        **{
            "relationships.0.person": "my sister",
            "relationships.0.relationship": "sister",
            "relationships.0.closeness": "4",
            "life_events.0.description": "Moved city",
        },
        action="add_person",
    )
    response = post(staff, f"/ui/clients/{client_id}/assessment", typed)
    assert response.status_code == 200
    page = response.text
    assert page.count('<legend class="legend">Person ') == 4
    assert 'name="relationship_rows" value="4"' in page
    assert 'value="my sister"' in page and 'value="Moved city"' in page
    assert re.search(r'id="f-relationships-0-closeness".*?<option value="4" selected>', page, re.S)
    assert deps.repos.clients.get(client_id).assessment is None


def test_inventory_errors_point_at_the_row_on_screen(staff):
    client_id = register(staff)
    # Rows 0 and 1 are left empty (ignored); row 2 lacks its closeness; the dispute lacks its stage.
    form = inventory(
        **{
            "relationships.2.person": "my boss",
            "relationships.2.relationship": "manager",
            "problem_areas.primary.area": "role_dispute",
        }
    )
    response = post(staff, f"/ui/clients/{client_id}/assessment", form)
    assert response.status_code == 422
    assert error_for(response.text, "f-relationships-2-closeness") == "Error: Choose how close they are, from 1 to 5."
    form["relationships.2.closeness"] = "2"
    response = post(staff, f"/ui/clients/{client_id}/assessment", form)
    assert error_for(response.text, "f-problem-areas-primary-stage").startswith("Error: A role dispute needs its stage")
    assert 'value="my boss"' in response.text


def test_secondary_area_must_differ(staff):
    client_id = register(staff)
    form = inventory(
        **{
            "relationships.0.person": "mum",
            "relationships.0.relationship": "mother",
            "relationships.0.closeness": "5",
            "problem_areas.primary.area": "grief",
            "problem_areas.secondary.area": "grief",
        }
    )
    page = post(staff, f"/ui/clients/{client_id}/assessment", form).text
    assert (
        error_for(page, "f-problem-areas-secondary-area")
        == "Error: The secondary problem area must differ from the primary one."
    )


def test_an_inventory_needs_one_person(staff):
    client_id = register(staff)
    page = post(staff, f"/ui/clients/{client_id}/assessment", inventory(**{"problem_areas.primary.area": "grief"})).text
    assert "people" in summary_links(page)


def test_inventory_is_saved_and_prefills_admission(staff, deps):
    client_id = register(staff)
    form = inventory(
        **{
            "relationships.0.person": "my partner",
            "relationships.0.relationship": "partner",
            "relationships.0.closeness": "3",
            "relationships.0.conflictual": "Money",
            "problem_areas.primary.area": "role_dispute",
            "problem_areas.primary.stage": "impasse",
        }
    )
    assert post(staff, f"/ui/clients/{client_id}/assessment", form).status_code == 302
    saved = deps.repos.clients.get(client_id).assessment
    assert [r.person for r in saved.relationships] == ["my partner"]
    assert (saved.problem_areas.primary.area, saved.problem_areas.primary.stage) == ("role_dispute", "impasse")
    admission = staff.get(f"/ui/clients/{client_id}/admission").text
    assert re.search(r'<option value="role_dispute" selected>', admission)
    assert re.search(r'<option value="impasse" selected>', admission)


# -- admission ------------------------------------------------------------------------------------
ADMISSION = {
    "track": "individual",
    "problem_areas.primary.area": "role_transition",
    "preferred_days": "tuesday",
    "preferred_times": "morning",
}
ADMIT_ANYWAY = ADMISSION | {"override": "yes", "override_reason": "Screenings at the first session"}


def test_admission_requires_treatment_consent_first(staff, deps):
    client_id = register(staff)
    response = post(staff, f"/ui/clients/{client_id}/admission", ADMISSION)
    assert response.status_code == 422
    page = response.text
    assert "Record the client's consent to treatment before admission." in text_of(page)
    assert f'href="/ui/clients/{client_id}#consent-treatment"' in page
    assert "admission-gaps" in summary_links(page)
    assert re.search(r'value="tuesday"\s+checked', page) and re.search(r'value="individual"\s+checked', page)
    assert deps.repos.clients.get(client_id).status == "referred"

    consent = post(
        staff,
        f"/ui/clients/{client_id}/consents",
        {"kind": "treatment", "signed_on": "2024-03-02", "signed_by": "client"},
    )
    assert consent.status_code == 302
    admitted = post(staff, f"/ui/clients/{client_id}/admission", ADMIT_ANYWAY)
    # Intake staff hand the admitted client over: back to the queue, the record now the clinical team's.
    assert admitted.status_code == 302 and admitted.headers["Location"] == "/ui/"
    assert "The clinical team keeps the record from now on." in text_of(staff.get("/ui/").text)
    assert staff.get(f"/ui/clients/{client_id}").status_code == 404
    client = deps.repos.clients.get(client_id)
    assert client.status == "admitted"
    assert client.admission.override.gaps == ("screenings_due", "interpersonal_inventory")
    assert client.admission.override.reason == "Screenings at the first session"
    assert client.admission.preferred_days == ("tuesday",) and client.admission.preferred_times == ("morning",)
    page = switch_to(staff, "supervisor-user").get(f"/ui/clients/{client_id}").text
    assert re.search(r'id="client-status">Admitted<', page)


def test_what_is_missing_is_shown_before_admission_and_needs_a_reasoned_override(staff, deps):
    client_id = register(staff, **{"treatment_consent.signed_on": "2024-03-02"})
    form = text_of(staff.get(f"/ui/clients/{client_id}/admission").text)
    assert "Before admission" in form and "Screenings still due for this program: PHQ-9" in form
    assert "No interpersonal inventory is recorded." in form and "Must be resolved" not in form
    refused = post(staff, f"/ui/clients/{client_id}/admission", ADMISSION)
    assert refused.status_code == 422
    assert "Admit anyway only with a confirmed override and the reason for it." in text_of(refused.text)
    no_reason = post(staff, f"/ui/clients/{client_id}/admission", ADMISSION | {"override": "yes"})
    assert no_reason.status_code == 422 and deps.repos.clients.get(client_id).status == "referred"


def test_an_open_urgent_flag_blocks_admission_until_a_clinician_reviews_it(staff, deps):
    client_id = register(staff, **{"treatment_consent.signed_on": "2024-03-02"})
    assert post(staff, f"/ui/clients/{client_id}/risk-flags", {"urgency": "urgent"}).status_code == 302
    form = text_of(staff.get(f"/ui/clients/{client_id}/admission").text)
    assert "Must be resolved: An urgent risk flag is open" in form and "Admit despite" not in form
    refused = post(staff, f"/ui/clients/{client_id}/admission", ADMIT_ANYWAY)
    assert refused.status_code == 422 and deps.repos.clients.get(client_id).status == "referred"


def test_admission_form_errors_are_inline(staff):
    client_id = register(staff)
    page = post(staff, f"/ui/clients/{client_id}/admission", {"preferred_days": "tuesday"}).text
    assert error_for(page, "f-track") == "Error: Choose a track."
    assert error_for(page, "f-problem-areas-primary-area") == "Error: Choose the primary problem area."


def test_admitting_twice_is_a_conflict_message(staff):
    client_id = register(staff, **{"treatment_consent.signed_on": "2024-03-02"})
    assert post(staff, f"/ui/clients/{client_id}/admission", ADMIT_ANYWAY).status_code == 302
    # Intake staff no longer know of an admitted client; a supervisor is told it is done already.
    assert post(staff, f"/ui/clients/{client_id}/admission", ADMIT_ANYWAY).status_code == 404
    supervisor = switch_to(staff, "supervisor-user")
    again = post(supervisor, f"/ui/clients/{client_id}/admission", ADMIT_ANYWAY)
    assert again.status_code == 409 and "already admitted" in again.text


def test_problem_area_choices_follow_the_program_setting(staff, deps):
    from services.intake.domain.assessment import ProblemAreaPolicy

    deps.problem_area_policy = ProblemAreaPolicy(deficits_programs=frozenset({"mental_health"}))
    co_occurring = register(staff, program="co_occurring")
    mental_health = register(staff, program="mental_health", given_name="Other")
    assert 'value="interpersonal_deficits"' not in staff.get(f"/ui/clients/{co_occurring}/assessment").text
    assert 'value="interpersonal_deficits"' in staff.get(f"/ui/clients/{mental_health}/assessment").text


def test_the_keep_alive_renews_a_session_and_pages_carry_the_idle_warning(staff, web, clock, users):
    page = staff.get("/ui/").text
    assert 'data-idle-seconds="900"' in page and "data-stay-signed-in" in page
    clock.now += timedelta(minutes=14)
    assert staff.get("/ui/keep-alive").status_code == 204
    [session] = users.sessions.of("intake-user")
    assert session.last_seen == clock.now
    staff.post("/ui/logout", data={"csrf_token": csrf_from(page)})
    assert staff.get("/ui/keep-alive").status_code == 302  # signed out: the page reloads to sign in


def test_audit_skips_to_questions_9_and_10_for_a_non_drinker_and_shows_its_auditc_part(staff):
    client_id = register(staff)
    answers = {"answers.1": "0", "answers.9": "0", "answers.10": "2"}
    response = post(staff, f"/ui/clients/{client_id}/screenings/new/audit", answers)
    assert response.status_code == 302, response.text
    words = text_of(staff.get(response.headers["Location"]).text)
    assert "Skipped: question 1 was answered never (scores 0)" in words
    assert "AUDIT-C part (questions 1–3) 0 of 12 · Negative" in words
    assert "sex at birth is not recorded, so the lower, safer cut-off is used" in words


def test_the_client_record_shows_what_an_admission_overrode(staff):
    client_id = register(staff, **{"treatment_consent.signed_on": "2024-03-02"})
    assert post(staff, f"/ui/clients/{client_id}/admission", ADMIT_ANYWAY).status_code == 302
    words = text_of(switch_to(staff, "supervisor-user").get(f"/ui/clients/{client_id}").text)
    assert "Admitted despite Screenings due, No interpersonal inventory — Screenings at the first session" in words


def test_a_resent_screening_form_is_stored_once(staff, deps):
    client_id = register(staff)
    form_page = staff.get(f"/ui/clients/{client_id}/screenings/new/phq9").text
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', form_page).group(1)
    answers = phq9(item9=1) | {"request_key": key}
    first = post(staff, f"/ui/clients/{client_id}/screenings/new/phq9", answers, page=form_page)
    again = post(staff, f"/ui/clients/{client_id}/screenings/new/phq9", answers, page=form_page)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert len(deps.memory.collection("screenings")) == 1
    assert len(deps.repos.clients.get(client_id).risk_flags) == 1


def test_every_form_on_a_page_carries_its_own_request_key(staff):
    client_id = register(staff)
    page = staff.get(f"/ui/clients/{client_id}").text
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page, re.S)
    keys = [re.search(r'name="request_key" value="([0-9a-f]{32})"', form) for form in forms]
    assert forms and all(keys)
    assert len({key.group(1) for key in keys}) == len(keys)


def test_details_are_corrected_audited_and_published(staff, deps):
    client_id = register(staff)
    form = staff.get(f"/ui/clients/{client_id}/edit").text
    assert re.search(r'id="f-contact-phone"[^>]*value="\+15550100"', form)
    changed = dict(REGISTRATION, **{"contact.phone": "+15550199", "family_name": "Exampel", "version": "0"})
    changed.pop("referral.source"), changed.pop("referral.date")
    response = post(staff, f"/ui/clients/{client_id}/edit", changed, page=form)
    assert response.status_code == 302, response.text
    client = deps.repos.clients.get(client_id)
    assert client.registration.contact.phone == "+15550199" and client.registration.family_name == "Exampel"
    assert client.registration.contact.email == "alex@example.org"
    [correction] = client.corrections
    assert correction.fields == ("family_name", "contact") and correction.by == "intake-user"
    page = text_of(staff.get(f"/ui/clients/{client_id}").text)
    assert "Details saved (family name, contact)" in page and "Corrected" in page
    updated = [e for e in deps.memory.outbox if e.type == "intake.client.updated"]
    assert [e.data["changed_fields"] for e in updated] == [["family_name", "contact"]]


def test_a_correction_from_a_stale_form_is_refused(staff, deps):
    client_id = register(staff)
    form = staff.get(f"/ui/clients/{client_id}/edit").text
    first = dict(REGISTRATION, **{"contact.phone": "+15550111", "version": "0"})
    assert post(staff, f"/ui/clients/{client_id}/edit", first, page=form).status_code == 302
    stale = dict(REGISTRATION, **{"given_name": "Alexa", "version": "0"})
    refused = post(staff, f"/ui/clients/{client_id}/edit", stale, page=form)
    assert refused.status_code == 409 and "Someone changed this client's record" in text_of(refused.text)
    assert deps.repos.clients.get(client_id).registration.given_name == "Alex"


def test_the_program_is_fixed_after_admission(staff):
    client_id = register(staff, **{"treatment_consent.signed_on": "2024-03-02"})
    assert post(staff, f"/ui/clients/{client_id}/admission", ADMIT_ANYWAY).status_code == 302
    form = switch_to(staff, "supervisor-user").get(f"/ui/clients/{client_id}/edit").text
    assert 'name="program"' not in form and "fixed after admission" in form


def test_the_queue_pages_filters_by_stage_and_program_and_shows_local_time(staff, deps):
    from zoneinfo import ZoneInfo

    deps.time_zone = ZoneInfo("America/Chicago")
    ids = [register(staff, given_name=f"Waiting{n}", program="mental_health") for n in range(27)]
    other = register(staff, given_name="Other", program="substance_use")
    first = staff.get("/ui/").text
    assert "1–25 of 28 clients" in text_of(first) and "Page 1 of 2" in text_of(first)
    assert re.search(r'rel="next" href="/ui/\?page=2"', first)
    second = staff.get("/ui/?page=2").text
    assert "26–28 of 28 clients" in text_of(second)
    filtered = staff.get("/ui/?stage=new&program=substance_use").text
    assert re.findall(r'data-client-id="([^"]+)"', filtered) == [other]
    assert "CST" in text_of(first) or "CDT" in text_of(first)  # the centre's zone, not UTC
    assert "UTC" not in text_of(first) and ids


def test_a_client_with_screenings_done_waits_on_the_queue_for_consent(staff):
    client_id = register(staff, program="mental_health")
    assert post(staff, f"/ui/clients/{client_id}/screenings/new/phq9", phq9(item9=0)).status_code == 302
    gad7 = {f"answers.{n}": "0" for n in range(1, 8)}
    assert post(staff, f"/ui/clients/{client_id}/screenings/new/gad7", gad7).status_code == 302
    row = re.search(rf'<tr[^>]*data-client-id="{client_id}"[^>]*>.*?</tr>', staff.get("/ui/?stage=ready").text, re.S)
    assert row and "Ready for consent" in text_of(row.group(0))


def test_a_resent_correction_form_is_answered_like_the_first(staff, deps):
    client_id = register(staff)
    form = staff.get(f"/ui/clients/{client_id}/edit").text
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', form).group(1)
    changed = dict(REGISTRATION, **{"contact.phone": "+15550133", "version": "0", "request_key": key})
    first = post(staff, f"/ui/clients/{client_id}/edit", changed, page=form)
    again = post(staff, f"/ui/clients/{client_id}/edit", changed, page=form)  # a double click
    assert first.status_code == again.status_code == 302  # not "someone changed this record"
    assert len(deps.repos.clients.get(client_id).corrections) == 1
