"""Signing in and out of the staff pages: the password, then a code when the account has a second factor."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, flash, g, make_response, redirect, request, session, url_for

from shared.auth import Principal
from shared.staff_ui import pending
from shared.staff_ui.access import forbidden, sign_out
from shared.staff_ui.forms import text
from shared.staff_ui.rendering import page
from shared.staff_ui.security import csrf_token, live_session, set_session_cookie, start_session, user_store
from shared.staff_ui.settings import current_ui, two_factor_roles
from shared.users import SignIn, normalise_username

audit = logging.getLogger("audit")


def install_sign_in(ui: Blueprint) -> None:
    ui.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    ui.add_url_rule("/login/code", "login_code", login_code, methods=["GET", "POST"])
    ui.add_url_rule("/keep-alive", "keep_alive", keep_alive, methods=["GET"])
    ui.add_url_rule("/logout", "logout", logout, methods=["POST"])


def login() -> Any:
    if request.method == "GET":
        if live_session() is not None:
            return redirect(url_for(current_ui().home))
        csrf_token()
        return page("staff/login.html", values={})
    pending.forget()  # a new password starts over, whatever was under way in this browser
    username = text(request.form, "username")
    password = request.form.get("password", "")
    attempt = user_store().sign_in(username, password, request.remote_addr) if username and password else SignIn(None)
    if attempt.throttled:
        audit.info("staff sign-in refused unheard", extra={"action": "ui.sign_in_throttled"})
        return too_many_attempts("staff/login.html", attempt, values={"username": username})
    if attempt.second_factor and attempt.role is not None:
        return _ask_for_the_code(normalise_username(username), attempt.role)
    principal = attempt.principal
    if principal is None:
        # What was typed is not logged: a password typed into the username box would be.
        audit.info("staff sign-in failed", extra={"action": "ui.sign_in_failed"})
        return refused(
            "staff/login.html",
            attempt,
            values={"username": username},
            error="The username or password is not right. After a few attempts that do not work, each "
            "next attempt has to wait a little longer.",
        )
    if principal.role not in current_ui().roles:
        session.clear()
        return forbidden(principal.role)
    if principal.role in two_factor_roles():
        # No second factor yet (else `second_factor` above): it is set up before any other page.
        pending.begin(principal.sub, principal.role, pending.ENROL, user_store().now())
        audit.info(
            "staff sign-in waits for a second factor to be set up",
            extra={"actor": principal.sub, "actor_role": principal.role, "action": "ui.sign_in_enrol"},
        )
        return redirect(url_for("ui.two_factor"))
    return finish_sign_in(principal)


def _ask_for_the_code(username: str, role: str) -> Any:
    if role not in current_ui().roles:
        session.clear()
        return forbidden(role)
    pending.begin(username, role, pending.CODE, user_store().now())
    return redirect(url_for("ui.login_code"))


def login_code() -> Any:
    """The second step: the current code from the authenticator app, within 5 minutes of the password."""
    waiting = pending.current(pending.CODE)
    if waiting is None:
        return redirect(url_for("ui.login"))
    if waiting.expired(user_store().now()):
        return start_again()
    if request.method == "GET":
        return page("staff/login_code.html", errors={})
    attempt = user_store().sign_in_with_code(waiting.username, request.form.get("code", ""), request.remote_addr)
    if attempt.throttled:
        audit.info("staff sign-in code refused unheard", extra={"action": "ui.sign_in_throttled"})
        return too_many_attempts("staff/login_code.html", attempt, errors={})
    principal = attempt.principal
    if principal is None:
        audit.info("staff sign-in code failed", extra={"actor": waiting.username, "action": "ui.sign_in_code_failed"})
        return refused(
            "staff/login_code.html",
            attempt,
            errors={"code": [WRONG_CODE]},
            error="The sign-in code is not right.",
        )
    if principal.role not in current_ui().roles:
        session.clear()
        return forbidden(principal.role)
    return finish_sign_in(principal)


WRONG_CODE = (
    "The code is not right, or it was used already. Type the 6 digits your authenticator app shows now; "
    "if the code is about to change, wait for the next one."
)


def start_again() -> Any:
    pending.forget()
    flash(
        f"More than {pending.PENDING_FOR.seconds // 60} minutes passed since you typed your password. Sign in again.",
        "info",
    )
    return redirect(url_for("ui.login"))


def finish_sign_in(principal: Principal) -> Any:
    """Starts the session (the half-done sign-in ends with the pre-login state) and goes on to the page asked for."""
    next_path = session.get("next") or ""  # read before start_session clears the pre-login state
    token = start_session(principal.sub, principal.role)
    g.principal = principal  # whom the audit trail records as signed in
    audit.info("staff signed in", extra={"actor": principal.sub, "actor_role": principal.role, "action": "ui.sign_in"})
    home = url_for(current_ui().home)
    return set_session_cookie(redirect(next_path if _safe_to_return_to(next_path) else home), token)


def too_many_attempts(template: str, attempt: SignIn, **ctx: Any) -> Any:
    """429 with Retry-After while an earlier failure's delay runs; the attempt was not even checked."""
    response = make_response(
        page(
            template,
            429,
            error=f"Too many attempts that did not work. Wait {_in_words(attempt.retry_after)} and try "
            "again: each attempt that does not work makes the next wait a little longer.",
            **ctx,
        )
    )
    response.headers["Retry-After"] = str(attempt.retry_after)
    return response


def refused(template: str, attempt: SignIn, **ctx: Any) -> Any:
    """401, with Retry-After once this failure makes the next attempt wait."""
    response = make_response(page(template, 401, **ctx))
    if attempt.retry_after:
        response.headers["Retry-After"] = str(attempt.retry_after)
    return response


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
