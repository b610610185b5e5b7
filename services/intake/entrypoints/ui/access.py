"""Who may use the staff pages: the check before every request, and what those refused are shown."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, request, session, url_for

from services.intake.entrypoints.ui.blueprint import error_page, ui
from services.intake.entrypoints.ui.security import IDLE_SECONDS, csrf_ok, expired, signed_in, touch, user_store
from shared.auth import Principal
from shared.roles import STAFF

UI_ROLES = STAFF  # the roles the intake API serves; ops sees de-identified aggregates only


@ui.before_request
def guard() -> Any:
    if request.endpoint == "ui.static":
        return None
    if request.endpoint != "ui.login":
        refused = _refuse_without_a_live_session()
        if refused is not None:
            return refused
    if request.method == "POST" and not csrf_ok():
        return error_page(
            400,
            "This form has expired",
            "The form was open too long or was sent from somewhere else, so nothing was "
            "saved. Go back, reload the page and try again.",
        )
    return None


def _refuse_without_a_live_session() -> Any:
    """Where to send a request without a live staff session; None (and the principal set) when it has one."""
    who = signed_in()
    if who is None:
        if request.method == "GET" and request.endpoint != "ui.keep_alive":
            session["next"] = request.path  # a path of ids only, never the query string
        return redirect(url_for("ui.login"))
    if expired():
        return sign_out(
            f"You were signed out after {IDLE_SECONDS // 60} minutes without activity. Sign in again to continue."
        )
    username, role = who
    if not user_store().is_active(username, role):
        return sign_out("Your account can no longer sign in here. Ask an administrator.")
    if role not in UI_ROLES:
        return forbidden(role)
    g.principal = Principal(sub=username, role=role)
    touch()
    return None


def sign_out(message: str) -> Any:
    """Ends the session and shows the sign-in page with the reason."""
    session.clear()
    flash(message, "info")
    return redirect(url_for("ui.login"))


def forbidden(role: str) -> tuple[str, int]:
    return error_page(
        403,
        "You cannot use these pages",
        f"Accounts with the role “{role}” cannot use the intake staff pages. "
        "The operations dashboards show de-identified figures instead.",
    )
