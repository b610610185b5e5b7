"""The client's self-report page, `/r/<token>`: no sign-in, no name, phone-first, no JavaScript.

The token in the link is the capability: it opens one offer's questions and nothing else, until
the answers are sent or the link expires. Outside /api (no bearer token, no role table) and out of
the OpenAPI document. The page names neither the client nor the program nor any instrument;
every form also carries a token bound to the offer, so a post made from another site is refused.

Questions are drawn with the staff pages' questionnaire macro and styles (`shared/staff_ui`), in
a base of their own without staff navigation. Nothing typed, and no link, is ever logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask.sansio.app import App
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException

from services.outcomes.domain.self_report import COMPLETED, EXPIRED, NOT_YET, OPEN, SESSION_CANCELLED, Offer
from services.outcomes.self_report import NotAccepted, offer_for_token, submit_answers
from shared.config import PROJECT_ROOT
from shared.errors import Invalid
from shared.instruments import Instrument, get_instrument
from shared.service import DEPENDENCIES_KEY, dependencies
from shared.staff_ui import SHARED_DIR, questionnaire
from shared.staff_ui.errors import Errors, ordered
from shared.staff_ui.forms import error_id, field_id, form_values, hint_id
from shared.staff_ui.security import secure_headers
from shared.staff_ui.wording import fmt_dt
from shared.web import on_database_unavailable

log = logging.getLogger(__name__)

# No script at all, nothing from elsewhere, and the form posts only back here.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Not a finding (bandit B105): the name of a form field, not a secret
FORM_TOKEN_FIELD = "form_token"  # nosec B105
_FORM_KEY_LABEL = b"ipt-self-report-form-v1"
MISSES_KEY = "ipt.self_report.misses"
# The library's messages are worded for staff and API callers; the client reads these instead.
UNANSWERED = "Choose an answer."
SKIPPED = "An earlier answer skips this question: leave it empty, or change that answer."

# What the client reads before an instrument's questions, where its stem is worded for staff to read out.
INTRODUCTIONS = {
    "audit": "These questions are about drinks containing alcohol during the past year. If your answer to "
    "question 1 is “Never”, go straight to question 9. If you chose the first answer to both questions 2 and 3, "
    "go straight to question 9.",
}

# What the link says when it takes no answers: (HTTP status, heading, message).
NOTICES: dict[str, tuple[int, str, str]] = {
    "unknown": (
        404,
        "This link cannot be used",
        "It may be incomplete or out of date. Use the link in the most recent message from the clinic, "
        "or ask your clinician for a new one.",
    ),
    COMPLETED: (
        200,
        "Your answers have already been sent",
        "Thank you. There is nothing more to do with this link.",
    ),
    EXPIRED: (
        410,
        "This link has expired",
        "Please ask your clinician for a new link, or answer the questions at your appointment.",
    ),
    SESSION_CANCELLED: (
        410,
        "This link is no longer needed",
        "The appointment it was for has changed or was cancelled, so there is nothing to answer here.",
    ),
    NOT_YET: (200, "These questions are not open yet", ""),  # the message names the time
    "too_many": (
        429,
        "Too many attempts",
        "Please wait a minute, then open the link from your message again.",
    ),
    "forged": (
        400,
        "Your answers were not sent",
        "The form did not come from this page. Open the link from your message again and send the answers from there.",
    ),
}


class MissLimiter:
    """Links that open nothing, counted per address (per web process): after `limit` within
    `window` seconds the address is refused for a while, so tokens cannot be tried in bulk.
    A limit of 0 counts nothing (behind a proxy every client has its address: limit there)."""

    def __init__(self, limit: int = 20, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._misses: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, who: str) -> bool:
        with self._lock:
            return self.limit > 0 and len(self._recent(who)) >= self.limit

    def missed(self, who: str) -> None:
        if self.limit <= 0:
            return
        with self._lock:
            self._recent(who).append(self.clock())
            if len(self._misses) > 10_000:  # forget quiet addresses rather than grow without end
                for quiet in [key for key, times in self._misses.items() if not times]:
                    del self._misses[quiet]

    def _recent(self, who: str) -> deque[float]:
        times = self._misses.setdefault(who, deque())
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        return times


page = Blueprint(
    "self_report",
    __name__,
    url_prefix="/r",
    static_folder=str(SHARED_DIR / "static"),  # staff.css, the stylesheet of every page
    static_url_path="/assets",
)
# The page's own templates (self_report/...) and the shared macros (staff/_questionnaire.html, staff/_forms.html).
page.jinja_loader = ChoiceLoader(
    [
        FileSystemLoader(str(PROJECT_ROOT / "services" / "outcomes" / "templates")),
        FileSystemLoader(str(SHARED_DIR / "templates")),
    ]
)


@page.record_once
def _install(state: Any) -> None:
    app: App = state.app
    app.extensions[MISSES_KEY] = MissLimiter(
        limit=app.extensions[DEPENDENCIES_KEY].self_report.settings.misses_per_minute
    )


@page.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "q": questionnaire,
        "fid": field_id,
        "eid": error_id,
        "hid": hint_id,
        "crisis_text": dependencies().self_report.settings.crisis_text,
    }


@page.after_request
def _headers(response: Response) -> Response:
    static = request.endpoint == "self_report.static"
    if not static:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    # The link is the credential: no page it leads to may learn it (the form is bound by its own token).
    response.headers["Referrer-Policy"] = "no-referrer"
    secured: Response = secure_headers(response, static=static)
    return secured


@page.route("/<token>", methods=["GET", "POST"])
def self_report(token: str) -> Any:
    """The questions of the offer the token opens, or why the link takes no answers now."""
    limiter: MissLimiter = current_app.extensions[MISSES_KEY]
    who = request.remote_addr or "-"
    if limiter.blocked(who):
        return notice("too_many")
    deps = dependencies()
    offer = offer_for_token(token, deps.self_report)
    if offer is None:
        limiter.missed(who)
        return notice("unknown")
    state = offer.state_at(deps.self_report.clock())
    if state != OPEN:
        return state_notice(offer, state)
    if request.method == "GET":
        return form_page(offer)
    if not hmac.compare_digest(request.form.get(FORM_TOKEN_FIELD, ""), form_token(offer)):
        return notice("forged")
    parts = _parts(offer)
    answers = {}
    for prefix, instrument in parts.items():
        body = questionnaire.screening_body(instrument, request.form, prefix=prefix)
        extras = {key: value for key, value in body.items() if key not in ("instrument", "answers")}
        answers[instrument.code] = (body["answers"], extras)
    try:
        outcome = submit_answers(token, answers, deps.uow, deps.repos, deps.policy, deps.self_report)
    except Invalid as invalid:
        return form_page(offer, 422, _form_errors(invalid.errors, parts), form_values(request.form))
    if isinstance(outcome, NotAccepted):
        return state_notice(offer, outcome.state)
    return render_template("self_report/sent.html", crisis=outcome.self_harm_positive), 200


def form_page(
    offer: Offer, status: int = 200, errors: Errors | None = None, values: dict[str, Any] | None = None
) -> Any:
    parts = _parts(offer)
    labels: dict[str, str] = {}
    for number, (prefix, instrument) in enumerate(parts.items(), start=1):
        labels.update(questionnaire.screening_labels(instrument, prefix=prefix, name=f"Part {number},"))
    html = render_template(
        "self_report/form.html",
        parts=list(parts.items()),
        introductions=INTRODUCTIONS,
        errors=errors or {},
        labels=labels,
        values=values or {},
        form_token=form_token(offer),
        until=fmt_dt(offer.expires_at, dependencies().self_report.settings.zone),
    )
    return html, status


def form_token(offer: Offer) -> str:
    """The form's hidden token: bound to the offer and its current link, made with the service's key."""
    key = hmac.new(current_app.config["JWT_SECRET"].encode(), _FORM_KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, f"{offer.offer_id}:{offer.token_hash}".encode(), hashlib.sha256).hexdigest()


def state_notice(offer: Offer, state: str) -> Any:
    if state == NOT_YET:
        opens = fmt_dt(offer.available_from, dependencies().self_report.settings.zone)
        return notice(NOT_YET, f"You can answer them from {opens}. Please open this link again then.")
    return notice(state)


def notice(kind: str, message: str | None = None) -> Any:
    status, title, text = NOTICES[kind]
    return render_template("self_report/notice.html", title=title, message=message or text), status


def _parts(offer: Offer) -> dict[str, Instrument]:
    """The offer's instruments as the page's parts, by field prefix ("part1."): names and ids in the
    page never say which instrument a part is."""
    return {f"part{number}.": get_instrument(code) for number, code in enumerate(offer.instruments, start=1)}


def _form_errors(errors: Errors, parts: dict[str, Instrument]) -> Errors:
    """The library's errors ("phq9.answers.3") under the page's field names ("part1.answers.3"), in page order."""
    prefixes = {instrument.code: prefix for prefix, instrument in parts.items()}
    mapped: Errors = {}
    for key, messages in errors.items():
        code, _, rest = key.partition(".")
        name = prefixes.get(code, "") + rest
        mapped[name] = [_in_plain_words(message) for message in messages]
    order = [key for prefix, instrument in parts.items() for key in questionnaire.screening_order(instrument, prefix)]
    return ordered(mapped, order)


def _in_plain_words(message: str) -> str:
    if message.endswith(" is unanswered."):
        return UNANSWERED
    if " is skipped because " in message:
        return SKIPPED
    return message


@page.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Any:
    title = error.name
    return render_template("self_report/notice.html", title=title, message=error.description or ""), error.code or 500


def _unavailable(_wait: int) -> Any:
    # Unlike staff, a client is not told seconds: the page answers 503 with Retry-After all the same.
    message = "This page cannot be opened, nor answers sent, just now. Please try again in a few minutes."
    return render_template("self_report/notice.html", title="Please try again shortly", message=message), 503


on_database_unavailable(page, _unavailable)


@page.errorhandler(Exception)
def _unexpected(error: Exception) -> Any:
    # The path holds the link's token: only the endpoint is logged (and the exception by type).
    log.exception("self-report page failed", extra={"endpoint": request.endpoint})
    message = (
        "Your answers may not have been sent. Please try again later, or answer the questions at your appointment."
    )
    return render_template("self_report/notice.html", title="Something went wrong", message=message), 500
