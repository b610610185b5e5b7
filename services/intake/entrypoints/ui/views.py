"""The intake staff UI: server-rendered pages over the same commands and handlers as the JSON API.

A plain Flask blueprint under /ui (not flask-smorest), so it stays out of /api and the OpenAPI
document. Pages name clients by id in URLs, never by name, and nothing typed is logged.
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from services.intake import handlers
from services.intake.domain.client import PART2_PROGRAMS
from services.intake.domain.errors import Conflict, RuleViolation
from services.intake.domain.errors import NotFound as DomainNotFound
from services.intake.domain.work_queue import BASELINE_SCREENINGS, due_screenings
from services.intake.entrypoints import commands
from services.intake.entrypoints.api import CLEARERS, REGISTRARS, STAFF, audited
from services.intake.entrypoints.schemas import (
    AdmissionSchema,
    AssessmentSchema,
    ClearFlagSchema,
    ConsentSchema,
    ManualFlagSchema,
    RegisterClientSchema,
    ScreeningRequestSchema,
)
from services.intake.entrypoints.ui import forms
from services.intake.entrypoints.ui.security import (
    IDLE_SECONDS,
    configure_app,
    csrf_ok,
    csrf_token,
    expired,
    secure_headers,
    signed_in,
    start_session,
    touch,
    user_store,
)
from shared import context
from shared.auth import Principal, current_principal
from shared.envelope import utcnow
from shared.instruments import INSTRUMENTS, InvalidAnswers
from shared.service import dependencies

INTAKE_DIR = Path(__file__).resolve().parents[2]
UI_ROLES = STAFF  # the roles the intake API serves; ops sees de-identified aggregates only
PUBLIC_ENDPOINTS = {"ui.login", "ui.static"}

ui = Blueprint("ui", __name__, url_prefix="/ui", template_folder=str(INTAKE_DIR / "templates"),
               static_folder=str(INTAKE_DIR / "static" / "ui"), static_url_path="/static")
log = logging.getLogger(__name__)
audit = logging.getLogger("audit")


@ui.record_once
def _install(state) -> None:
    configure_app(state.app)
    state.app.add_url_rule("/", endpoint="ui_home", view_func=lambda: redirect("/ui/"))


# -- every request --------------------------------------------------------------------------------
@ui.before_request
def guard() -> Any:
    if request.endpoint == "ui.static":
        return None
    if request.endpoint != "ui.login":
        who = signed_in()
        if who is None:
            if request.method == "GET":
                session["next"] = request.path  # a path of ids only, never the query string
            return redirect(url_for("ui.login"))
        if expired():
            session.clear()
            flash(f"You were signed out after {IDLE_SECONDS // 60} minutes without activity. "
                  "Sign in again to continue.", "info")
            return redirect(url_for("ui.login"))
        username, role = who
        if not user_store().is_active(username, role):
            session.clear()
            flash("Your account can no longer sign in here. Ask an administrator.", "info")
            return redirect(url_for("ui.login"))
        if role not in UI_ROLES:
            return forbidden(role)
        g.principal = Principal(sub=username, role=role)
        touch()
    if request.method == "POST" and not csrf_ok():
        return page("error.html", 400, title="This form has expired",
                    message="The form was open too long or was sent from somewhere else, so nothing was "
                            "saved. Go back, reload the page and try again.")
    return None


@ui.after_request
def headers(response: Response) -> Response:
    return secure_headers(response, static=request.endpoint == "ui.static")


@ui.context_processor
def helpers() -> dict[str, Any]:
    principal = g.get("principal")
    role = principal.role if principal else None
    return {"principal": principal, "csrf_token": csrf_token, "fid": forms.field_id, "eid": forms.error_id,
            "hid": forms.hint_id, "fmt_dt": fmt_dt, "fmt_date": fmt_date, "f": forms, "word": word,
            "can_register": role in REGISTRARS, "can_clear": role in CLEARERS,
            "idle_minutes": IDLE_SECONDS // 60, "instruments": INSTRUMENTS}


def page(template: str, status: int = 200, **ctx: Any) -> tuple[str, int]:
    return render_template(f"ui/{template}", **ctx), status


def forbidden(role: str) -> tuple[str, int]:
    return page("error.html", 403, title="You cannot use these pages",
                message=f"Accounts with the role “{role}” cannot use the intake staff pages. "
                        "The operations dashboards show de-identified figures instead.")


# -- errors as pages ------------------------------------------------------------------------------
@ui.errorhandler(DomainNotFound)
def not_found(_error: Exception) -> tuple[str, int]:
    return page("error.html", 404, title="Not found",
                message="There is no such record. It may have been mistyped, or the link is out of date.")


@ui.errorhandler(Conflict)
def conflict(error: Conflict) -> tuple[str, int]:
    return page("error.html", 409, title="This could not be saved", message=str(error))


@ui.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int]:
    return page("error.html", error.code or 500, title=error.name, message=error.description)


@ui.errorhandler(Exception)
def unexpected(_error: Exception) -> tuple[str, int]:
    log.exception("unhandled UI error", extra={"path": request.path})
    return page("error.html", 500, title="Something went wrong",
                message="Nothing more was saved. If it happens again, give this reference to support: "
                        f"{context.current_correlation_id()}.")


@ui.route("/<path:_anything>", methods=["GET", "POST"])
def unknown(_anything: str) -> tuple[str, int]:
    return not_found(DomainNotFound("page"))


# -- sign in and out ------------------------------------------------------------------------------
@ui.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if signed_in() and not expired():
            return redirect(url_for("ui.queue"))
        csrf_token()
        return page("login.html", values={})
    username = forms.text(request.form, "username")
    password = request.form.get("password", "")
    principal = user_store().verify(username, password) if username and password else None
    if principal is None:
        audit.info("staff sign-in failed", extra={"actor": username[:64], "action": "ui.sign_in_failed"})
        return page("login.html", 401, values={"username": username},
                    error="The username or password is not right, or the account is locked. After "
                          "5 failed attempts an account is locked for 15 minutes.")
    if principal.role not in UI_ROLES:
        session.clear()
        return forbidden(principal.role)
    next_path = session.get("next") or ""
    start_session(principal.sub, principal.role)
    audit.info("staff signed in", extra={"actor": principal.sub, "actor_role": principal.role,
                                         "action": "ui.sign_in"})
    safe = next_path.startswith("/ui/") and not next_path.startswith("/ui/login") and "//" not in next_path
    return redirect(next_path if safe else url_for("ui.queue"))


@ui.post("/logout")
def logout() -> Any:
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("ui.login"))


# -- work queue and search ------------------------------------------------------------------------
@ui.route("/", methods=["GET", "POST"])
def queue() -> Any:
    # The search box posts, so names never land in URLs, browser history or proxy logs;
    # GET ?q= also works for a bookmarked search.
    query = forms.text(request.form if request.method == "POST" else request.args, "q")[:100]
    repos = dependencies().repos
    results = None
    if query:
        audited("client.search")
        results = handlers.search_clients(query, repos)
    entries = handlers.work_queue_entries(repos)
    return page("queue.html", entries=entries, query=query, results=results)


# -- registration ---------------------------------------------------------------------------------
@ui.route("/clients/new", methods=["GET", "POST"])
def register() -> Any:
    if current_principal().role not in REGISTRARS:
        return page("error.html", 403, title="You cannot register clients",
                    message="Only intake staff register new clients.")
    if request.method == "GET":
        return page("register.html", values={}, errors={}, duplicates=[])
    values = forms.form_values(request.form)
    errors: forms.Errors = {}
    duplicates: list = []
    try:
        body = RegisterClientSchema().load(forms.registration_body(request.form))
        client = commands.register(body, dependencies())
    except ValidationError as invalid:
        errors = forms.flatten_errors(invalid.messages)
    except RuleViolation as violation:
        errors = dict(violation.errors)
    except handlers.PossibleDuplicate as duplicate:
        duplicates = duplicate.candidates
    else:
        audited("client.register", client.id)
        flash("Client registered. Next: screenings, the interpersonal inventory and consent.", "success")
        return redirect(url_for("ui.client", client_id=client.id))
    errors = forms.ordered(errors, forms.REGISTRATION_ORDER)
    return page("register.html", 409 if duplicates else 422, values=values, errors=errors, duplicates=duplicates)


# -- the client record ----------------------------------------------------------------------------
def render_client(client_id: str, status: int = 200, **forms_state: Any) -> tuple[str, int]:
    repos = dependencies().repos
    client = handlers.get_client(client_id, repos)
    screenings = handlers.list_screenings(client_id, repos)
    audited("client.view", client_id)
    done = {s.instrument for s in screenings}
    return page("client.html", status, client=client, screenings=screenings,
                due=due_screenings(client.registration.program, done),
                baseline=BASELINE_SCREENINGS.get(client.registration.program, ()),
                part2_allowed=client.registration.program in PART2_PROGRAMS,
                today=utcnow().date(), state=forms_state)


@ui.get("/clients/<client_id>")
def client(client_id: str) -> Any:
    return render_client(client_id)


def _client_form_failed(client_id: str, form: str, errors: forms.Errors, order: tuple = ()) -> Any:
    values = forms.form_values(request.form)
    return render_client(client_id, 422, form=form, errors=forms.ordered(errors, order), values=values)


@ui.post("/clients/<client_id>/risk-flags")
def raise_flag(client_id: str) -> Any:
    try:
        body = ManualFlagSchema().load({"urgency": forms.text(request.form, "urgency") or "high",
                                        "note": forms.optional(request.form, "note")})
        deps = dependencies()
        handlers.flag_risk(client_id, body["urgency"], body["note"], current_principal().sub, utcnow(),
                           deps.uow(), deps.repos)
    except ValidationError as invalid:
        return _client_form_failed(client_id, "flag", forms.flatten_errors(invalid.messages), ("urgency", "note"))
    except RuleViolation as violation:
        return _client_form_failed(client_id, "flag", violation.errors, ("urgency", "note"))
    audited("risk.flag", client_id)
    flash("Risk flag raised. It is now at the top of the work queue.", "success")
    return redirect(url_for("ui.client", client_id=client_id, _anchor="risk"))


@ui.post("/clients/<client_id>/risk-flags/<flag_id>/clear")
def clear_flag(client_id: str, flag_id: str) -> Any:
    principal = current_principal()
    if principal.role not in CLEARERS:
        return page("error.html", 403, title="You cannot clear risk flags",
                    message="Only a clinician or supervisor can clear a risk flag, after assessing the client.")
    try:
        body = ClearFlagSchema().load({"reason": forms.text(request.form, "reason")})
        deps = dependencies()
        handlers.clear_risk(client_id, flag_id, body["reason"], principal, utcnow(), deps.uow(), deps.repos)
    except ValidationError as invalid:
        return _client_form_failed(client_id, f"clear-{flag_id}", forms.flatten_errors(invalid.messages))
    except RuleViolation as violation:
        return _client_form_failed(client_id, f"clear-{flag_id}", violation.errors)
    audited("risk.clear", client_id)
    flash("Risk flag cleared.", "success")
    return redirect(url_for("ui.client", client_id=client_id, _anchor="risk"))


@ui.post("/clients/<client_id>/consents")
def record_consent(client_id: str) -> Any:
    raw = forms.consent_body(request.form)
    form = f"consent-{raw['kind']}" if raw["kind"] in ("treatment", "part2_disclosure") else "consent-treatment"
    try:
        body = ConsentSchema().load(raw)
        deps = dependencies()
        handlers.record_consent(client_id, body, current_principal().sub, utcnow(), deps.uow(), deps.repos)
    except ValidationError as invalid:
        return _client_form_failed(client_id, form, forms.flatten_errors(invalid.messages), forms.CONSENT_ORDER)
    except RuleViolation as violation:
        return _client_form_failed(client_id, form, violation.errors, forms.CONSENT_ORDER)
    audited("consent.record", client_id)
    flash("Consent recorded.", "success")
    return redirect(url_for("ui.client", client_id=client_id, _anchor="consents"))


@ui.post("/clients/<client_id>/consents/<consent_id>/revoke")
def revoke_consent(client_id: str, consent_id: str) -> Any:
    deps = dependencies()
    handlers.revoke_consent(client_id, consent_id, current_principal().sub, utcnow(), deps.uow(), deps.repos)
    audited("consent.revoke", client_id)
    flash("Consent revoked.", "success")
    return redirect(url_for("ui.client", client_id=client_id, _anchor="consents"))


# -- screenings -----------------------------------------------------------------------------------
@ui.route("/clients/<client_id>/screenings/new/<code>", methods=["GET", "POST"])
def administer(client_id: str, code: str) -> Any:
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise DomainNotFound(f"instrument {code}")
    repos = dependencies().repos
    client_record = handlers.get_client(client_id, repos)
    if request.method == "GET":
        return page("screening_form.html", client=client_record, instrument=instrument, values={}, errors={})
    values = forms.form_values(request.form)
    try:
        body = ScreeningRequestSchema().load(forms.screening_body(instrument, request.form))
        # Scored on the server only: the page sends raw answers and shows what comes back.
        result = commands.screen(client_id, body, dependencies())
    except InvalidAnswers as invalid:
        errors = invalid.errors
    except RuleViolation as violation:
        errors = violation.errors
    except ValidationError as invalid:
        errors = forms.flatten_errors(invalid.messages)
    else:
        audited("screening.administer", client_id)
        return redirect(url_for("ui.screening", client_id=client_id, screening_id=result["id"]))
    order = [forms.answer_key(item.number) for item in instrument.items] + [e.name for e in instrument.extra_fields]
    return page("screening_form.html", 422, client=client_record, instrument=instrument, values=values,
                errors=forms.ordered(errors, order))


@ui.get("/clients/<client_id>/screenings/<screening_id>")
def screening(client_id: str, screening_id: str) -> Any:
    repos = dependencies().repos
    found = handlers.get_screening(client_id, screening_id, repos)
    client_record = handlers.get_client(client_id, repos)
    audited("screening.view", client_id)
    raised = next((flag for flag in client_record.risk_flags if flag.screening_id == screening_id), None)
    return page("screening_result.html", client=client_record, screening=found, raised=raised,
                instrument=INSTRUMENTS.get(found.instrument))


# -- interpersonal inventory (the IPT intake assessment) --------------------------------------------
@ui.route("/clients/<client_id>/assessment", methods=["GET", "POST"])
def assessment(client_id: str) -> Any:
    repos = dependencies().repos
    client_record = handlers.get_client(client_id, repos)
    errors: forms.Errors = {}
    if request.method == "GET":
        values: dict[str, Any] = {}
        people, events = 3, 2
        if client_record.assessment is not None:
            values = forms.assessment_values(client_record.assessment)
            people = max(people, len(client_record.assessment.relationships) + 1)
            events = max(events, len(client_record.assessment.life_events) + 1)
        return _assessment_page(client_record, values, people, events, errors)
    form = request.form
    people = forms.row_count(form, "relationship_rows", 1)
    events = forms.row_count(form, "event_rows", 1)
    values = forms.form_values(form)
    action = form.get("action", "save")
    if action == "add_person":
        return _assessment_page(client_record, values, min(people + 1, forms.MAX_ROWS), events, errors,
                                focus=f"relationships.{people}.person")
    if action == "add_event":
        return _assessment_page(client_record, values, people, min(events + 1, forms.MAX_ROWS), errors,
                                focus=f"life_events.{events}.description")
    body, positions = forms.assessment_body(form, people, events)
    try:
        loaded = AssessmentSchema().load(body)
        handlers.record_assessment(client_id, commands.assessment(loaded), dependencies().uow(), repos)
    except ValidationError as invalid:
        errors = forms.form_keys(forms.flatten_errors(invalid.messages), positions)
    except RuleViolation as violation:
        errors = forms.form_keys(violation.errors, positions)
    else:
        audited("assessment.record", client_id)
        flash("Interpersonal inventory saved.", "success")
        return redirect(url_for("ui.client", client_id=client_id, _anchor="assessment"))
    return _assessment_page(client_record, values, people, events, errors, status=422)


def _assessment_page(client_record, values, people, events, errors, status=200, focus=None):
    return page("assessment.html", status, client=client_record, values=values, people=people, events=events,
                errors=forms.ordered(errors, forms.assessment_order(people, events)),
                labels=forms.assessment_labels(people, events), focus=focus)


# -- admission ------------------------------------------------------------------------------------
@ui.route("/clients/<client_id>/admission", methods=["GET", "POST"])
def admission(client_id: str) -> Any:
    repos = dependencies().repos
    client_record = handlers.get_client(client_id, repos)
    if request.method == "GET":
        values: dict[str, Any] = {"preferred_days": [], "preferred_times": []}
        if client_record.assessment is not None:
            values.update(forms.problem_area_values(client_record.assessment.problem_areas))
        return page("admission.html", client=client_record, values=values, errors={})
    values = forms.form_values(request.form, multi=("preferred_days", "preferred_times"))
    try:
        loaded = AdmissionSchema().load(forms.admission_body(request.form))
        handlers.admit_client(client_id, commands.admission(loaded), dependencies().uow(), repos)
    except ValidationError as invalid:
        errors = forms.flatten_errors(invalid.messages)
    except RuleViolation as violation:
        errors = forms.form_keys(violation.errors)
    else:
        audited("client.admit", client_id)
        flash("Client admitted. Sessions will offer times that match the preferences.", "success")
        return redirect(url_for("ui.client", client_id=client_id))
    return page("admission.html", 422, client=client_record, values=values,
                errors=forms.ordered(errors, forms.ADMISSION_ORDER))


# -- formatting -----------------------------------------------------------------------------------
def fmt_dt(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%d %b %Y, %H:%M UTC").lstrip("0")


def fmt_date(day: date | None) -> str:
    return "" if day is None else day.strftime("%d %b %Y").lstrip("0")


WORDS = {**forms.PROGRAM_LABELS, **forms.CHANNEL_LABELS, **forms.AREA_LABELS, **forms.STAGE_LABELS,
         **forms.TRACK_LABELS, "moderately_severe": "Moderately severe", "low_risk": "Low risk",
         "possible_dependence": "Possible dependence", "suicidal_ideation": "Suicidal ideation",
         "suicidal_behavior": "Suicidal behaviour", "phq9_item9": "PHQ-9 question 9 (thoughts of self-harm)",
         "cssrs": "C-SSRS screener", "manual": "Raised by staff", "referred": "Referred", "admitted": "Admitted",
         "treatment": "Treatment", "part2_disclosure": "42 CFR Part 2 disclosure",
         "open_risk_flag": "Open risk flag", "screenings_due": "Screenings due", "new_referral": "New referral"}


def word(code: Any) -> str:
    """A stored code in words ('moderately_severe' -> 'Moderately severe'); instruments by name."""
    if code is None:
        return ""
    code = str(code)
    if code in WORDS:
        return WORDS[code]
    if code in INSTRUMENTS:
        return INSTRUMENTS[code].name
    return code.replace("_", " ").capitalize()
