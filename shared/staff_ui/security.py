"""Sign-in sessions of the staff UI: cookie settings, idle logoff, CSRF tokens, response headers.

A signed-in session lives on the server (shared/staff_sessions.py, in the staff identity
database); its cookie carries only a random opaque token. So signing out, disabling an account or
locking it ends the session at once, and a copied cookie is worth nothing afterwards.

Flask's signed cookie-session remains only for what comes before signing in and for one-time
notices: the page to return to (a path of ids), the sign-in form's CSRF token and flashed
messages. It grants nothing and holds no client data (it is signed, not encrypted). Its key is
derived from the service's JWT secret, so no new secret has to be configured.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Any

from flask import current_app, g, request, session
from flask.sansio.app import App

from shared.staff_sessions import IDLE_TIMEOUT, Ended, StaffSession, StaffSessions
from shared.staff_ui.settings import TWO_FACTOR_ROLES_SETTING, StaffUi, current_ui, parse_two_factor_roles
from shared.users import InMemoryUserStore, UserStore, identity_database

USERS_KEY = "ipt.users"
SESSION_KEY_LABEL = "ipt-staff-ui-session-cookie-v1"
COOKIE_PATH = "/ui"
IDLE_SECONDS = int(IDLE_TIMEOUT.total_seconds())
CSRF_FIELD = "csrf_token"
_CURRENT = "ipt_ui_session"  # g: this request's session look-up, made once

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def configure_app(app: App, settings: StaffUi) -> None:
    """Cookie settings for the app the UI is registered on (the token cookie reuses them)."""
    secret = app.config.get("JWT_SECRET") or ""
    if not secret:
        raise RuntimeError("the staff UI derives its session key from JWT_SECRET, which is not set")
    label = f"{SESSION_KEY_LABEL}:{settings.service}".encode()  # a key per service
    app.secret_key = hmac.new(secret.encode(), label, hashlib.sha256).hexdigest()
    app.config.update(
        SESSION_COOKIE_NAME=settings.pre_login_cookie_name,
        SESSION_COOKIE_PATH=COOKIE_PATH,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=os.environ.get("UI_COOKIE_SECURE", "").strip().lower() == "true",
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    app.config.setdefault(
        TWO_FACTOR_ROLES_SETTING, parse_two_factor_roles(os.environ.get(TWO_FACTOR_ROLES_SETTING, ""))
    )


def user_store() -> UserStore | InMemoryUserStore:
    """The staff accounts: injected by tests in app.extensions, else the shared identity database.

    Built on first use, inside the serving process (pymongo clients must not cross a fork).
    """
    extensions = current_app.extensions
    store: UserStore | InMemoryUserStore | None = extensions.get(USERS_KEY)
    if store is None:
        store = extensions[USERS_KEY] = UserStore(identity_database())
    return store


def session_store() -> StaffSessions:
    """The signed-in sessions: the account store's, so disabling or locking an account ends them."""
    return user_store().sessions


# -- session -------------------------------------------------------------------------------------
def current_session() -> StaffSession | Ended | None:
    """This request's signed-in session (renewed), why it was refused, or None without a token cookie.

    Looked up once per request; a refused session is deleted on the server by the look-up.
    """
    if _CURRENT not in g:
        token = request.cookies.get(current_ui().cookie_name)
        found: StaffSession | Ended | None = None
        if token:
            found = session_store().resume(token, account_active=user_store().is_active)
        setattr(g, _CURRENT, found)
    current: StaffSession | Ended | None = getattr(g, _CURRENT)
    return current


def live_session() -> StaffSession | None:
    found = current_session()
    return found if isinstance(found, StaffSession) else None


def start_session(username: str, role: str) -> str:
    """Signs in: a new server-side session (any older one of this browser ends); returns its token."""
    old = request.cookies.get(current_ui().cookie_name)
    if old:
        session_store().end(old)
    session.clear()  # the pre-login state (return page, sign-in CSRF token) is used up
    token, started = session_store().start(username, role)
    setattr(g, _CURRENT, started)
    return token


def end_session() -> StaffSession | None:
    """Signs out: deletes the session on the server; returns it when it was live."""
    was = live_session()
    token = request.cookies.get(current_ui().cookie_name)
    if token:
        session_store().end(token)
    setattr(g, _CURRENT, None)
    session.clear()
    return was


def set_session_cookie(response: Any, token: str) -> Any:
    """The token cookie, with the cookie-session's settings: HttpOnly, SameSite=Strict, path /ui."""
    config = current_app.config
    response.set_cookie(
        current_ui().cookie_name,
        token,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=bool(config["SESSION_COOKIE_SECURE"]),
    )
    return response


def clear_session_cookie(response: Any) -> Any:
    config = current_app.config
    response.delete_cookie(
        current_ui().cookie_name,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=bool(config["SESSION_COOKIE_SECURE"]),
    )
    return response


# -- CSRF -----------------------------------------------------------------------------------------
def csrf_token() -> str:
    """The signed-in session's token; before signing in, one kept in the pre-login cookie-session."""
    live = live_session()
    if live is not None:
        return live.csrf
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def csrf_ok() -> bool:
    live = live_session()
    expected = live.csrf if live is not None else session.get("csrf")
    sent = request.form.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(str(expected), str(sent))


# -- headers --------------------------------------------------------------------------------------
def secure_headers(response: Any, static: bool) -> Any:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Same-origin, not no-referrer: a browser then names this site as the Origin of its own forms
    # (no-referrer makes it send "null"), and still tells other sites nothing.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not static:
        # Pages show health information: nothing may keep a copy (back button after sign-out too).
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
