"""Emergency ("break glass") access in the staff pages: a clinician (or supervisor) asks to read one
client outside their caseload (or team), by client id or by exact name and date of birth, with a reason; supervisors and
admin review the grants (services/intake/domain/emergency_access.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from services.intake import handlers
from services.intake.domain.client import Client
from services.intake.entrypoints.emergency_api import for_review
from services.intake.entrypoints.schemas import BreakGlassSchema, GrantReviewSchema
from services.intake.entrypoints.ui.blueprint import error_page, page, ui
from services.intake.entrypoints.ui.forms.errors import REFUSALS, Errors, ordered, refusal_errors
from shared.audit_api import audit_clients
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.errors import NotAllowed, NotFound
from shared.roles import ADMIN, EMERGENCY_READERS, SUPERVISOR
from shared.service import dependencies
from shared.staff_ui.forms import form_values, text
from shared.staff_ui.wording import fmt_time

IDENTITY = ("given_name", "family_name", "date_of_birth")
ASK_ORDER = ("client_id", *IDENTITY, "chosen", "reason")
ASK_LABELS = {
    "client_id": "Client id",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "chosen": "Choose the client",
    "reason": "Reason",
}
REVIEWERS = (SUPERVISOR, ADMIN)
MATCHES_SHOWN = 10  # people sharing a name and a date of birth are few
GRANTS_SHOWN = 50


# -- asking: clinicians ------------------------------------------------------------------------
@ui.route("/emergency-access", methods=["GET", "POST"])
def emergency_access() -> Any:
    if current_principal().role not in EMERGENCY_READERS:
        return error_page(
            403,
            "Emergency access is for clinicians and supervisors",
            "Administrators open every client's record already; intake staff ask a clinician.",
        )
    if request.method == "GET":
        return _ask_page({}, {})
    form = request.form
    values = form_values(form)
    errors = _reason_errors(form) | _which_client_errors(form)
    if errors:
        return _ask_page(values, errors, status=422)
    client_id = text(form, "chosen") or text(form, "client_id")
    if not client_id:
        found, total = handlers.find_for_emergency(
            text(form, "given_name"),
            text(form, "family_name"),
            date.fromisoformat(text(form, "date_of_birth")),
            dependencies().repos,
            limit=MATCHES_SHOWN,
        )
        if total == 0:
            nobody = "No client is registered with this name and date of birth. Check the spelling and the date."
            return _ask_page(values, {"given_name": [nobody]}, status=422)
        if total > 1:
            audit_clients(*(client.id for client in found))
            return _ask_page(values, {}, candidates=found, total=total)
        client_id = found[0].id
    return _break_glass(client_id, values)


def _break_glass(client_id: str, values: dict[str, Any]) -> Any:
    principal, deps = current_principal(), dependencies()
    try:
        client = handlers.get_client(client_id, deps.repos)
    except NotFound:
        unknown = "No client has this id. Check it, or give the name and date of birth."
        return _ask_page(values, {"client_id": [unknown]}, 422)
    audit_clients(client.id)
    if handlers.may_open(handlers.viewer_of(principal.sub, principal.role, deps.repos), client, deps.repos):
        flash("This client's record is open to you already: no emergency access was needed.", "info")
        return redirect(url_for("ui.client", client_id=client.id))
    try:
        reason, now = text(request.form, "reason"), utcnow()
        grant, _new = handlers.break_glass(
            client.id, reason, principal.sub, now, deps.emergency_minutes, deps.uow(), deps.repos
        )
    except REFUSALS as refusal:
        return _ask_page(values, refusal_errors(refusal), 422)
    until = fmt_time(grant.expires_at, deps.time_zone)
    flash(f"Emergency access until {until}: read only, recorded, and reviewed by a supervisor.", "success")
    return redirect(url_for("ui.client", client_id=client.id))


def _reason_errors(form: MultiDict[str, str]) -> Errors:
    try:
        BreakGlassSchema().load({"reason": text(form, "reason")})
    except REFUSALS as refusal:
        return refusal_errors(refusal)
    return {}


def _which_client_errors(form: MultiDict[str, str]) -> Errors:
    """A client id (typed, or chosen among several matches), or all three of the name and date of birth."""
    if text(form, "client_id") or text(form, "chosen"):
        return {}
    given = {key: text(form, key) for key in IDENTITY}
    if not any(given.values()):
        return {"client_id": ["Enter the client id, or the given name, family name and date of birth."]}
    errors: Errors = {}
    if not given["given_name"]:
        errors["given_name"] = ["Enter the given name, or the client id."]
    if not given["family_name"]:
        errors["family_name"] = ["Enter the family name, or the client id."]
    if not _is_date(given["date_of_birth"]):
        errors["date_of_birth"] = ["Enter the date of birth, as a real date (for example 14 July 1988)."]
    return errors


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _ask_page(
    values: dict[str, Any], errors: Errors, status: int = 200, candidates: list[Client] | None = None, total: int = 0
) -> tuple[str, int]:
    return page(
        "emergency_access.html",
        status,
        values=values,
        errors=ordered(errors, ASK_ORDER),
        labels=ASK_LABELS,
        candidates=candidates or [],
        total=total,
        minutes=dependencies().emergency_minutes,
    )


# -- reviewing: supervisors and admin ------------------------------------------------------------
@ui.get("/emergency-access/review")
def emergency_review() -> Any:
    if current_principal().role not in REVIEWERS:
        return _not_a_reviewer()
    return _review_page(request.args.get("show") == "all")


@ui.post("/emergency-access/<grant_id>/review")
def review_emergency_grant(grant_id: str) -> Any:
    principal = current_principal()
    if principal.role not in REVIEWERS:
        return _not_a_reviewer()
    deps = dependencies()
    try:
        body = GrantReviewSchema().load({"note": text(request.form, "note")})
        handlers.review_grant(grant_id, body["note"], principal.sub, utcnow(), deps.uow(), deps.repos)
    except REFUSALS as refusal:
        errors, values = refusal_errors(refusal), form_values(request.form)
        return _review_page(False, 422, refused_grant=grant_id, errors=errors, values=values)
    except NotAllowed:
        return error_page(403, "You cannot review your own grant", "Another supervisor or an administrator reviews it.")
    flash("Review recorded.", "success")
    return redirect(url_for("ui.emergency_review"))


def _not_a_reviewer() -> tuple[str, int]:
    return error_page(
        403, "You cannot review emergency access", "Supervisors and administrators review emergency access grants."
    )


def _review_page(
    everything: bool,
    status: int = 200,
    refused_grant: str | None = None,  # the grant whose review form was refused
    errors: Errors | None = None,
    values: dict[str, Any] | None = None,
) -> tuple[str, int]:
    repos = dependencies().repos
    grants, total = handlers.emergency_grants(None if everything else False, None, None, repos, limit=GRANTS_SHOWN)
    audit_clients(*(grant.client_id for grant in grants))
    clients = {grant.client_id: repos.clients.get(grant.client_id) for grant in grants}
    return page(
        "emergency_review.html",
        status,
        grants=[for_review(grant) for grant in grants],
        total=total,
        clients=clients,
        everything=everything,
        refused_grant=refused_grant,
        errors=errors or {},
        values=values or {},
    )
