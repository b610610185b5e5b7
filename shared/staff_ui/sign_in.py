"""Signing in and out of the staff pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, g, make_response, redirect, request, session, url_for

from shared.staff_ui.access import forbidden, sign_out
from shared.staff_ui.forms import text
from shared.staff_ui.rendering import page
from shared.staff_ui.security import csrf_token, live_session, set_session_cookie, start_session, user_store
from shared.staff_ui.settings import current_ui
from shared.users import SignIn

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
    attempt = user_store().sign_in(username, password, request.remote_addr) if username and password else SignIn(None)
    principal = attempt.principal
    if attempt.throttled:
        audit.info("staff sign-in refused unheard", extra={"action": "ui.sign_in_throttled"})
        response = make_response(
            page(
                "staff/login.html",
                429,
                values={"username": username},
                error=f"Too many attempts that did not work. Wait {_in_words(attempt.retry_after)} and try "
                "again: each attempt that does not work makes the next wait a little longer.",
            )
        )
        response.headers["Retry-After"] = str(attempt.retry_after)
        return response
    if principal is None:
        # What was typed is not logged: a password typed into the username box would be.
        audit.info("staff sign-in failed", extra={"action": "ui.sign_in_failed"})
        refused = make_response(
            page(
                "staff/login.html",
                401,
                values={"username": username},
                error="The username or password is not right. After a few attempts that do not work, each "
                "next attempt has to wait a little longer.",
            )
        )
        if attempt.retry_after:
            refused.headers["Retry-After"] = str(attempt.retry_after)
        return refused
    if principal.role not in current_ui().roles:
        session.clear()
        return forbidden(principal.role)
    next_path = session.get("next") or ""  # read before start_session clears the pre-login state
    token = start_session(principal.sub, principal.role)
    g.principal = principal  # whom the audit trail records as signed in
    audit.info("staff signed in", extra={"actor": principal.sub, "actor_role": principal.role, "action": "ui.sign_in"})
    return set_session_cookie(redirect(next_path if _safe_to_return_to(next_path) else home), token)


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


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
