"""The staff web pages every service with a UI shares: sign-in (with an optional second factor),
sessions, CSRF, idle logoff, error pages.

A service makes its blueprint with `staff_blueprint(StaffUi(...))` and registers its own pages on
it. A plain Flask blueprint under /ui (not flask-smorest), so it stays out of /api and the OpenAPI
document. Pages name clients by id in URLs, never by name, and nothing typed is logged.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, g, redirect, request
from flask.sansio.app import App
from jinja2 import ChoiceLoader, FileSystemLoader

from shared import totp
from shared.staff_ui import questionnaire
from shared.staff_ui.access import install_guard
from shared.staff_ui.error_pages import install_error_pages
from shared.staff_ui.forms import error_id, field_id, hint_id
from shared.staff_ui.rendering import error_page, page
from shared.staff_ui.security import IDLE_SECONDS, USERS_KEY, configure_app, csrf_token, secure_headers
from shared.staff_ui.settings import EXTENSION_KEY, NavItem, StaffUi, current_ui
from shared.staff_ui.sign_in import install_sign_in
from shared.staff_ui.two_factor import install_two_factor

SHARED_DIR = Path(__file__).resolve().parent

__all__ = ["USERS_KEY", "NavItem", "StaffUi", "current_ui", "error_page", "page", "staff_blueprint"]


def staff_blueprint(settings: StaffUi) -> Blueprint:
    """The blueprint "ui" under /ui with sign-in, the access check and error pages already on it."""
    ui = Blueprint(
        "ui",
        __name__,
        url_prefix="/ui",
        template_folder=str(settings.templates),
        static_folder=str(SHARED_DIR / "static"),
        static_url_path="/static",
    )
    ui.record_once(lambda state: _install(state.app, settings))
    ui.after_request(_headers)
    ui.context_processor(_helpers)
    install_guard(ui)
    install_sign_in(ui)
    install_two_factor(ui)
    install_error_pages(ui)
    return ui


def _install(app: App, settings: StaffUi) -> None:
    app.extensions[EXTENSION_KEY] = settings
    configure_app(app, settings)
    # The shared templates ("staff/...") are found beside the service's own ("ui/...").
    shared = FileSystemLoader(str(SHARED_DIR / "templates"))
    app.jinja_loader = ChoiceLoader([app.jinja_loader, shared]) if app.jinja_loader else shared
    app.add_url_rule("/", endpoint="ui_home", view_func=lambda: redirect("/ui/"))


def _headers(response: Response) -> Response:
    secured: Response = secure_headers(response, static=request.endpoint == "ui.static")
    return secured


def _helpers() -> dict[str, Any]:
    """The names every staff-page template can use besides what its view passes."""
    principal = g.get("principal")
    settings = current_ui()
    return {
        "principal": principal,
        "ui_settings": settings,
        "nav_items": settings.nav_for(principal.role if principal else None),
        "csrf_token": csrf_token,
        "fid": field_id,
        "eid": error_id,
        "hid": hint_id,
        "idle_minutes": IDLE_SECONDS // 60,
        "new_request_key": lambda: uuid.uuid4().hex,
        "q": questionnaire,
        "issuer": totp.ISSUER,
    }
