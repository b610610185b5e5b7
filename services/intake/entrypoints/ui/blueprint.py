"""The one blueprint every staff page registers on, and how its pages are rendered.

A plain Flask blueprint under /ui (not flask-smorest), so it stays out of /api and the OpenAPI
document. Pages name clients by id in URLs, never by name, and nothing typed is logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request

from services.intake.entrypoints.ui.security import configure_app, secure_headers

INTAKE_DIR = Path(__file__).resolve().parents[2]

ui = Blueprint(
    "ui",
    __name__,
    url_prefix="/ui",
    template_folder=str(INTAKE_DIR / "templates"),
    static_folder=str(INTAKE_DIR / "static" / "ui"),
    static_url_path="/static",
)


@ui.record_once
def _install(state) -> None:
    configure_app(state.app)
    state.app.add_url_rule("/", endpoint="ui_home", view_func=lambda: redirect("/ui/"))


@ui.after_request
def headers(response: Response) -> Response:
    return secure_headers(response, static=request.endpoint == "ui.static")


def page(template: str, status: int = 200, **ctx: Any) -> tuple[str, int]:
    """A template of templates/ui, with the HTTP status to answer with."""
    return render_template(f"ui/{template}", **ctx), status


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return page("error.html", status, title=title, message=message)
