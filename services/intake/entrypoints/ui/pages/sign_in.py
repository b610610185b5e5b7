"""Signing in and out of the staff pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import g, redirect, request, session, url_for

from services.intake.entrypoints.ui.access import UI_ROLES, forbidden, sign_out
from services.intake.entrypoints.ui.blueprint import page, ui
from services.intake.entrypoints.ui.forms.fields import text
from services.intake.entrypoints.ui.security import (
    csrf_token,
    live_session,
    set_session_cookie,
    start_session,
    user_store,
)

audit = logging.getLogger("audit")


@ui.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if live_session() is not None:
            return redirect(url_for("ui.queue"))
        csrf_token()
        return page("login.html", values={})
    username = text(request.form, "username")
    password = request.form.get("password", "")
    principal = user_store().verify(username, password) if username and password else None
    if principal is None:
        # What was typed is not logged: a password typed into the username box would be.
        audit.info("staff sign-in failed", extra={"action": "ui.sign_in_failed"})
        return page(
            "login.html",
            401,
            values={"username": username},
            error="The username or password is not right, or the account is locked. After "
            "5 failed attempts an account is locked for 15 minutes.",
        )
    if principal.role not in UI_ROLES:
        session.clear()
        return forbidden(principal.role)
    next_path = session.get("next") or ""  # read before start_session clears the pre-login state
    token = start_session(principal.sub, principal.role)
    audit.info("staff signed in", extra={"actor": principal.sub, "actor_role": principal.role, "action": "ui.sign_in"})
    return set_session_cookie(redirect(next_path if _safe_to_return_to(next_path) else url_for("ui.queue")), token)


def _safe_to_return_to(path: str) -> bool:
    """Only a staff page of this site: never the sign-in page, nor a //host that leaves it."""
    return path.startswith("/ui/") and not path.startswith("/ui/login") and "//" not in path


@ui.get("/keep-alive")
def keep_alive() -> tuple[str, int]:
    """Answers the page's "stay signed in" button; the server-side look-up before every request renews it."""
    return "", 204


@ui.post("/logout")
def logout() -> Any:
    principal = g.principal  # set by the check before every request: only a live session gets here
    response = sign_out("You have signed out.")
    audit.info(
        "staff signed out", extra={"actor": principal.sub, "actor_role": principal.role, "action": "ui.sign_out"}
    )
    return response
