"""Errors as pages: what staff see instead of a stack trace or a bare status code."""

from __future__ import annotations

import logging

from flask import Blueprint, request
from werkzeug.exceptions import HTTPException

from shared import context
from shared.errors import Conflict
from shared.errors import NotFound as DomainNotFound
from shared.staff_ui.rendering import error_page
from shared.web import on_database_unavailable

log = logging.getLogger(__name__)


def install_error_pages(ui: Blueprint) -> None:
    ui.register_error_handler(DomainNotFound, not_found)
    ui.register_error_handler(Conflict, conflict)
    ui.register_error_handler(HTTPException, http_error)
    on_database_unavailable(ui, unavailable)
    ui.register_error_handler(Exception, unexpected)
    # Routing tries every page of the service before this catch-all (a path converter ranks last).
    ui.add_url_rule("/<path:_anything>", "unknown", unknown, methods=["GET", "POST"])


def not_found(_error: Exception) -> tuple[str, int]:
    return error_page(
        404, "Not found", "There is no such record. It may have been mistyped, or the link is out of date."
    )


def conflict(error: Conflict) -> tuple[str, int]:
    return error_page(409, "This could not be saved", str(error))


def http_error(error: HTTPException) -> tuple[str, int]:
    return error_page(error.code or 500, error.name, error.description or "")


def unavailable(wait: int) -> tuple[str, int]:
    return error_page(
        503,
        "Records cannot be reached just now",
        "The records are out of reach for a moment, so this page could not be shown and a form sent "
        f"now may not have been saved. Try again in {wait} second{'s' if wait != 1 else ''}.",
    )


def unexpected(_error: Exception) -> tuple[str, int]:
    log.exception("unhandled UI error", extra={"path": request.path})
    return error_page(
        500,
        "Something went wrong",
        "Nothing more was saved. If it happens again, give this reference to support: "
        f"{context.current_correlation_id()}.",
    )


def unknown(_anything: str) -> tuple[str, int]:
    return not_found(DomainNotFound("page"))
