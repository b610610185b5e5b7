"""The client's self-report page through the test client on fake storage: a one-time link that
expires, answers scored and recorded like any measure, no name or program on the page, every
missing answer named, crisis contacts (never the score) after a PHQ-9 item 9 above 0."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from flask.testing import FlaskClient

from services.outcomes import bootstrap
from services.outcomes.entrypoints.self_report_page import MissLimiter
from shared.auth import issue_token
from shared.config import Settings
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SESSION_START = NOW + timedelta(days=1)
CLIENT, EPISODE, CLINICIAN = "client-page", "episode-page", "dr-page"
PHQ9_MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]  # 6
GAD7_MILD = [1, 1, 1, 1, 1, 0, 0]  # 5


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def deliver(deps, type_: str, **changes) -> None:
    data = dict(contract_for(type_, 1).example, client_id=CLIENT, **changes)
    at = deps.self_report.clock()
    event = Envelope(type=type_, version=1, source=type_.split(".")[0], subject=CLIENT, data=data, time=at)
    bootstrap.event_handlers(deps)[type_](event, read_incoming(type_, 1, data), deps.uow(cause=event))


def offered(deps, program: str) -> str:
    """A registered client (named Alex Example) in `program`, with a session tomorrow: its link's path."""
    deliver(deps, "intake.client.registered", program=program)
    deliver(deps, "sessions.episode.opened", episode_id=EPISODE, program=program, opened_at=NOW.isoformat())
    deliver(deps, "sessions.episode.assigned", episode_id=EPISODE, program=program, clinician_id=CLINICIAN)
    end = SESSION_START + timedelta(minutes=50)
    deliver(
        deps,
        "sessions.session.scheduled",
        session_id="s-1",
        episode_id=EPISODE,
        number=1,
        start=SESSION_START.isoformat(),
        end=end.isoformat(),
    )
    [offer] = [e.data for e in deps.memory.outbox if e.type == "outcomes.self_report.offered"]
    return "/r/" + offer["link"].rpartition("/")[2]


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def deps(clock) -> bootstrap.Dependencies:
    deps = bootstrap.fake_dependencies({"SELF_REPORT_CRISIS_TEXT": "If you are in danger now call 911 or 988."})
    deps.self_report.clock = clock
    return deps


@pytest.fixture
def api(deps) -> FlaskClient:
    settings = Settings.from_env("outcomes", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"})
    return bootstrap.create_app(settings, deps=deps).test_client()


@pytest.fixture
def link(deps) -> str:
    return offered(deps, "mental_health")


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def form_token(api: FlaskClient, link: str) -> str:
    page = api.get(link).get_data(as_text=True)
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def answers(api: FlaskClient, link: str, **parts: list) -> dict[str, str]:
    """The form as the page posts it: `part1=[...]` answers part 1's questions in order."""
    form = {"form_token": form_token(api, link)}
    for part, values in parts.items():
        form.update({f"{part}.answers.{n}": str(v) for n, v in enumerate(values, start=1) if v is not None})
    return form


def measures(deps) -> list:
    return deps.repos.measures.for_client(CLIENT)


# -- the page -----------------------------------------------------------------------------------
def test_the_link_opens_the_due_questions_without_signing_in(api, link):
    response = api.get(link)
    assert response.status_code == 200
    page = text_of(response)
    assert "Questions before your appointment" in page
    assert "Part 1 of 2" in page and "Part 2 of 2" in page
    assert "Little interest or pleasure in doing things" in page  # PHQ-9 question 1
    assert "Feeling nervous, anxious, or on edge" in page  # GAD-7 question 1
    assert "If you are in danger now call 911 or 988." in page
    # Staff wording and furniture stay on the staff pages.
    assert "clinician's attention today" not in page and "Sign out" not in page and "<script" not in page


@pytest.mark.parametrize("program", ["substance_use", "co_occurring"])
def test_the_page_names_neither_the_client_nor_the_program_nor_an_instrument(deps, api, program):
    link = offered(deps, program)
    response = api.get(link)
    html = response.get_data(as_text=True)
    assert "Part 4 of 4" in text_of(response)  # PHQ-9, GAD-7, AUDIT and DAST-10
    for revealing in ("Alex", "Example", CLIENT, "substance", "Substance", "co_occurring", "Co-occurring", "program"):
        assert revealing not in html, revealing
    for name in ("PHQ", "GAD", "AUDIT", "DAST", "phq9", "gad7", "audit", "dast10"):
        assert name not in html, name


def test_the_page_is_private_strict_and_outside_the_api(api, link):
    response = api.get(link)
    headers = response.headers
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "script-src" not in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "form-action 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert all(src.startswith("/r/assets/") for src in re.findall(r'(?:href|src)="([^"#]+)"', html))
    assert api.get("/r/assets/staff.css").status_code == 200
    assert not any(path.startswith("/r") for path in api.get("/openapi.json").get_json()["paths"])


def test_an_unknown_link_opens_nothing_and_attempts_in_bulk_are_refused(api, deps, link):
    assert api.get("/r/not-a-real-token-but-shaped-like-one").status_code == 404
    assert api.get("/r/x").status_code == 404
    assert "cannot be used" in text_of(api.get("/r/abcdefghijklmnopqrstuvwxyz"))
    for _ in range(17):
        assert api.get("/r/abcdefghijklmnopqrstuvwxyz").status_code == 404
    assert api.get(link).status_code == 429  # 20 misses: even a good link, from that address, for a while
    assert api.get(link, environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200  # not from another


def test_links_that_open_nothing_are_refused_for_a_minute_then_tried_again():
    now = [0.0]
    limiter = MissLimiter(limit=2, window=60.0, clock=lambda: now[0])
    limiter.missed("a")
    limiter.missed("a")
    assert limiter.blocked("a") and not limiter.blocked("b")
    now[0] = 60.0
    assert not limiter.blocked("a")
    assert not MissLimiter(limit=0).blocked("a")


# -- answers --------------------------------------------------------------------------------------
def test_answers_are_scored_and_recorded_like_any_measure(api, deps, link):
    response = api.post(link, data=answers(api, link, part1=PHQ9_MILD, part2=GAD7_MILD))
    assert response.status_code == 200
    page = text_of(response)
    assert "Thank you, your answers have been sent" in page
    assert "Help is there" not in page and "6" not in page and "mild" not in page  # never the score
    recorded = {m.instrument: m for m in measures(deps)}
    assert (recorded["phq9"].total, recorded["phq9"].severity, recorded["gad7"].total) == (6, "mild", 5)
    assert {m.source for m in recorded.values()} == {"self_report"}
    assert {m.episode_id for m in recorded.values()} == {EPISODE}
    assert recorded["phq9"].session_number is None and recorded["phq9"].answers == tuple(PHQ9_MILD)
    scores = [e.data for e in deps.memory.outbox if e.type == "outcomes.score.recorded"]
    assert sorted((s["instrument"], s["source"], s["total"]) for s in scores) == [
        ("gad7", "self_report", 5),
        ("phq9", "self_report", 6),
    ]
    [withdrawn] = [e.data for e in deps.memory.outbox if e.type == "outcomes.self_report.withdrawn"]
    assert withdrawn["reason"] == "completed" and withdrawn["client_id"] == CLIENT


def test_the_measures_appear_in_the_clients_outcomes(api, link):
    api.post(link, data=answers(api, link, part1=PHQ9_MILD, part2=GAD7_MILD))
    bearer = {"Authorization": f"Bearer {issue_token(SECRET, CLINICIAN, 'clinician')}"}
    outcomes = api.get(f"/api/v1/clients/{CLIENT}/outcomes", headers=bearer).get_json()
    assert outcomes["instruments"]["phq9"]["latest"] == 6
    assert outcomes["instruments"]["phq9"]["series"][0]["source"] == "self_report"


def test_a_link_takes_answers_once(api, deps, link):
    form = answers(api, link, part1=PHQ9_MILD, part2=GAD7_MILD)
    assert api.post(link, data=form).status_code == 200
    again = api.post(link, data=form)  # a resent form
    assert again.status_code == 200 and "already been sent" in text_of(again)
    assert "already been sent" in text_of(api.get(link))
    assert len(measures(deps)) == 2


def test_missing_answers_are_each_named_and_nothing_is_recorded(api, deps, link):
    phq9 = [1, 1, None, 1, 1, 1, 1, 1, None]
    response = api.post(link, data=answers(api, link, part1=phq9, part2=GAD7_MILD[:-1]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = text_of(response).split("There is a problem", 1)[1].split("Part 1 of 2", 1)[0]
    assert "Part 1, question 3: Choose an answer." in summary
    assert "Part 1, question 9: Choose an answer." in summary
    assert "Part 2, question 7: Choose an answer." in summary
    assert summary.count("Choose an answer.") == 3
    assert 'href="#f-part1-answers-3"' in html and 'id="f-part1-answers-3"' in html  # each named item is linked
    assert 'value="1" checked' in html  # what was answered is kept
    assert measures(deps) == [] and not [e for e in deps.memory.outbox if e.type == "outcomes.score.recorded"]


def test_an_answer_to_a_skipped_question_is_named_in_plain_words(api, deps):
    link = offered(deps, "substance_use")  # PHQ-9, GAD-7, AUDIT and DAST-10
    audit = [0, 1, None, None, None, None, None, None, 0, 0]  # "Never" drinks, then question 2 answered
    form = answers(api, link, part1=PHQ9_MILD, part2=GAD7_MILD, part3=audit, part4=["false"] * 10)
    response = api.post(link, data=form)
    assert response.status_code == 422
    summary = text_of(response).split("There is a problem", 1)[1].split("Part 1 of 4", 1)[0]
    assert summary.count("Part") == 1
    assert (
        "Part 3, question 2: An earlier answer skips this question: leave it empty, or change that answer." in summary
    )
    assert measures(deps) == []
    del form["part3.answers.2"]
    assert api.post(link, data=form).status_code == 200
    assert {m.instrument: m.total for m in measures(deps)} == {"phq9": 6, "gad7": 5, "audit": 0, "dast10": 1}


def test_item_9_above_0_is_recorded_and_the_client_is_shown_where_to_get_help(api, deps, link):
    phq9 = [2, 2, 2, 2, 2, 2, 2, 2, 1]
    response = api.post(link, data=answers(api, link, part1=phq9, part2=GAD7_MILD))
    page = text_of(response)
    assert "Help is there if you need it" in page and "If you are in danger now call 911 or 988." in page
    assert "17" not in page and "severe" not in page
    [phq] = [m for m in measures(deps) if m.instrument == "phq9"]
    assert phq.flags == ("suicidal_ideation",) and phq.total == 17


def test_a_post_without_the_pages_form_token_is_refused(api, deps, link):
    form = answers(api, link, part1=PHQ9_MILD, part2=GAD7_MILD)
    for token in ("", "0" * 64):
        response = api.post(link, data=form | {"form_token": token})
        assert response.status_code == 400 and "not sent" in text_of(response)
    assert measures(deps) == []


# -- time -----------------------------------------------------------------------------------------
def test_the_link_opens_48_hours_before_the_session(api, deps, clock):
    clock.now = NOW - timedelta(days=3)
    link = offered(deps, "mental_health")  # booked four days ahead
    [offer] = deps.memory.collection("self_report_offers").values()
    assert offer["available_from"] == SESSION_START - timedelta(hours=48)
    clock.now = SESSION_START - timedelta(hours=49)
    early = api.get(link)
    assert early.status_code == 200 and "not open yet" in text_of(early)
    assert api.post(link, data={"form_token": "x"}).status_code == 200 and measures(deps) == []
    clock.now = SESSION_START - timedelta(hours=47)
    assert "Part 1 of 2" in text_of(api.get(link))


def test_an_expired_link_says_so(api, deps, clock, link):
    form = answers(api, link, part1=PHQ9_MILD, part2=GAD7_MILD)
    clock.now = SESSION_START + timedelta(minutes=50)  # the session has ended
    response = api.post(link, data=form)
    assert response.status_code == 410 and "This link has expired" in text_of(response)
    assert "ask your clinician" in text_of(response)
    assert measures(deps) == []


def test_a_cancelled_sessions_link_takes_no_answers(api, deps, link):
    deliver(deps, "sessions.session.cancelled", session_id="s-1", episode_id=EPISODE)
    response = api.get(link)
    assert response.status_code == 410 and "no longer needed" in text_of(response)
