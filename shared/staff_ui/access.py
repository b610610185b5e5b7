"""Who may use the staff pages: the check before every request, and what those refused are shown."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, request, session, url_for

from shared.auth import Principal
from shared.staff_sessions import MAX_AGE, Ended, StaffSession
from shared.staff_ui import pending
from shared.staff_ui.rendering import error_page
from shared.staff_ui.security import (
    IDLE_SECONDS,
    clear_session_cookie,
    csrf_ok,
    current_session,
    end_session,
    live_session,
    user_store,
)
from shared.staff_ui.settings import current_ui, two_factor_roles

# Pages of a sign-in still under way: no session yet (the code page checks its own pending state).
BEFORE_SIGNING_IN = {"ui.login", "ui.login_code"}
TWO_FACTOR_PAGE = "ui.two_factor"
# What a signed-in account whose role needs a second factor may reach before it has one.
WHILE_SETTING_UP = {TWO_FACTOR_PAGE, "ui.logout", "ui.keep_alive"}

# What the sign-in page says when a session presented to it can no longer be used.
ENDED_MESSAGES = {
    Ended.MISSING: "Your session has ended. Sign in again to continue.",
    Ended.IDLE: f"You were signed out after {IDLE_SECONDS // 60} minutes without activity. Sign in again to continue.",
    Ended.EXPIRED: f"You were signed out {int(MAX_AGE.total_seconds()) // 3600} hours after signing in. "
    "Sign in again to continue.",
    Ended.ACCOUNT: "Your account can no longer sign in here. Ask an administrator.",
}


def install_guard(ui: Blueprint) -> None:
    ui.before_request(guard)


def guard() -> Any:
    if request.endpoint == "ui.static":
        return None
    if not _before_signing_in():
        refused = _refuse_without_a_live_session()
        if refused is not None:
            return refused
    if request.method == "POST" and not same_origin():
        return error_page(
            403,
            "This form came from another site",
            "Forms on these pages can only be sent from these pages, so nothing was saved.",
        )
    if request.method == "POST" and not csrf_ok():
        return error_page(
            400,
            "This form has expired",
            "The form was open too long or was sent from somewhere else, so nothing was "
            "saved. Go back, reload the page and try again.",
        )
    return None


def _before_signing_in() -> bool:
    """A page of a sign-in under way: the code step, or setting up a second factor the role requires."""
    if request.endpoint in BEFORE_SIGNING_IN:
        return True
    return request.endpoint == TWO_FACTOR_PAGE and live_session() is None and pending.current(pending.ENROL) is not None


def same_origin() -> bool:
    """A browser names the site a form was sent from (`Origin`); it must be this one ("null", sent
    from sandboxed or no-referrer pages, is refused too). Requests without the header (older
    clients) still need the CSRF token."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin.rstrip("/") == request.host_url.rstrip("/")


def _refuse_without_a_live_session() -> Any:
    """Where to send a request without a live staff session; None (and the principal set) when it has one.

    The session is looked up on the server, which also renews it; the cookie alone proves nothing.
    """
    found = current_session()
    if found is None:
        if request.method == "GET" and request.endpoint != "ui.keep_alive":
            session["next"] = request.path  # a path of ids only, never the query string
        return redirect(url_for("ui.login"))
    if isinstance(found, Ended):
        return sign_out(ENDED_MESSAGES[found])
    if found.role not in current_ui().roles:
        return forbidden(found.role)
    g.principal = Principal(sub=found.username, role=found.role)
    if request.endpoint not in WHILE_SETTING_UP and _second_factor_missing(found):
        return redirect(url_for(TWO_FACTOR_PAGE))
    return None


def _second_factor_missing(found: StaffSession) -> bool:
    """A session of a role that must use a second factor, on an account without one (signed in before
    the setting, or reset by an administrator since): it reaches no page until one is set up."""
    return found.role in two_factor_roles() and not user_store().has_two_factor(found.username)


def sign_out(message: str) -> Any:
    """Ends the session (on the server too) and shows the sign-in page with the reason."""
    end_session()
    flash(message, "info")
    return clear_session_cookie(redirect(url_for("ui.login")))


def forbidden(role: str) -> tuple[str, int]:
    settings = current_ui()
    return error_page(
        403, "You cannot use these pages", f"Accounts with the role “{role}” cannot use {settings.refused}."
    )
