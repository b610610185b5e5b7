"""Sign-in sessions of the staff UI: cookie settings, idle logoff, CSRF tokens, response headers.

The session lives in Flask's signed cookie and holds only the username, role, CSRF token and
timestamps (never client data: the cookie is signed, not encrypted). Its key is derived from the
service's JWT secret, so no new secret has to be configured.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from typing import Any

from flask import Flask, current_app, request, session

from shared.users import UserStore, identity_database

USERS_KEY = "ipt.users"
SESSION_KEY_LABEL = b"ipt-staff-ui-session-cookie-v1"
COOKIE_NAME = "ipt_intake_ui"
IDLE_SECONDS = 15 * 60
MAX_SESSION_SECONDS = 12 * 60 * 60
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def configure_app(app: Flask) -> None:
    """Cookie-session settings for the app the UI is registered on."""
    secret = app.config.get("JWT_SECRET") or ""
    if not secret:
        raise RuntimeError("the staff UI derives its session key from JWT_SECRET, which is not set")
    app.secret_key = hmac.new(secret.encode(), SESSION_KEY_LABEL, hashlib.sha256).hexdigest()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_PATH="/ui",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=os.environ.get("UI_COOKIE_SECURE", "").strip().lower() == "true",
        SESSION_REFRESH_EACH_REQUEST=True,
    )


def user_store():
    """The staff accounts: injected by tests in app.extensions, else the shared identity database.

    Built on first use, inside the serving process (pymongo clients must not cross a fork).
    """
    extensions = current_app.extensions
    store = extensions.get(USERS_KEY)
    if store is None:
        store = extensions[USERS_KEY] = UserStore(identity_database())
    return store


# -- session -------------------------------------------------------------------------------------
def start_session(username: str, role: str) -> None:
    session.clear()
    now = int(time.time())
    session.update(user=username, role=role, login_at=now, last_seen=now, csrf=secrets.token_urlsafe(32))


def signed_in() -> tuple[str, str] | None:
    user, role = session.get("user"), session.get("role")
    return (user, role) if user and role else None


def expired(now: float | None = None) -> bool:
    now = time.time() if now is None else now
    last_seen = float(session.get("last_seen", 0))
    login_at = float(session.get("login_at", 0))
    return now - last_seen > IDLE_SECONDS or now - login_at > MAX_SESSION_SECONDS


def touch() -> None:
    session["last_seen"] = int(time.time())


# -- CSRF -----------------------------------------------------------------------------------------
def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok() -> bool:
    expected = session.get("csrf")
    sent = request.form.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(str(expected), str(sent))


# -- headers --------------------------------------------------------------------------------------
def secure_headers(response: Any, static: bool) -> Any:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if not static:
        # Pages show health information: nothing may keep a copy (back button after sign-out too).
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
