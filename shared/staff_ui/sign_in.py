"""Signing in and out of the staff pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, g, redirect, request, session, url_for

from shared.staff_ui.access import forbidden, sign_out
from shared.staff_ui.forms import text
from shared.staff_ui.rendering import page
from shared.staff_ui.security import csrf_token, live_session, set_session_cookie, start_session, user_store
from shared.staff_ui.settings import current_ui

audit = logging.getLogger("audit")


def install_sign_in(ui: Blueprint) -> None:
    ui.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    ui.add_url_rule("/keep-alive", "keep_alive", keep_alive, methods=["GET"])
    ui.add_url_rule("/logout", "logout", logout, methods=["POST"])


def login() -> Any:
    home = url_for(current_ui().home)
    if request.method == "GET":
        if live_session() is not None:
            return redirect(home)
        csrf_token()
        return page("staff/login.html", values={})
    username = text(request.form, "username")
    password = request.form.get("password", "")
    principal = user_store().verify(username, password) if username and password else None
    if principal is None:
        # What was typed is not logged: a password typed into the username box would be.
        audit.info("staff sign-in failed", extra={"action": "ui.sign_in_failed"})
        return page(
            "staff/login.html",
            401,
            values={"username": username},
            error="The username or password is not right, or the account is locked. After "
            "5 failed attempts an account is locked for 15 minutes.",
        )
    if principal.role not in current_ui().roles:
        session.clear()
        return forbidden(principal.role)
    next_path = session.get("next") or ""  # read before start_session clears the pre-login state
    token = start_session(principal.sub, principal.role)
    g.principal = principal  # whom the audit trail records as signed in
    audit.info("staff signed in", extra={"actor": principal.sub, "actor_role": principal.role, "action": "ui.sign_in"})
    return set_session_cookie(redirect(next_path if _safe_to_return_to(next_path) else home), token)


def _safe_to_return_to(path: str) -> bool:
    """Only a staff page of this site: never the sign-in page, nor a //host that leaves it."""
    return path.startswith("/ui/") and not path.startswith("/ui/login") and "//" not in path


def keep_alive() -> tuple[str, int]:
    """Answers the page's "stay signed in" button; the server-side look-up before every request renews it."""
    return "", 204


def logout() -> Any:
    principal = g.principal  # set by the check before every request: only a live session gets here
    response = sign_out("You have signed out.")
    audit.info(
        "staff signed out", extra={"actor": principal.sub, "actor_role": principal.role, "action": "ui.sign_out"}
    )
    return response
