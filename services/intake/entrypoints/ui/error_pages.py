"""Errors as pages: what staff see instead of a stack trace or a bare status code."""

from __future__ import annotations

import logging

from flask import request
from werkzeug.exceptions import HTTPException

from services.intake.entrypoints.ui.blueprint import error_page, ui
from shared import context
from shared.errors import Conflict
from shared.errors import NotFound as DomainNotFound

log = logging.getLogger(__name__)


@ui.errorhandler(DomainNotFound)
def not_found(_error: Exception) -> tuple[str, int]:
    return error_page(
        404, "Not found", "There is no such record. It may have been mistyped, or the link is out of date."
    )


@ui.errorhandler(Conflict)
def conflict(error: Conflict) -> tuple[str, int]:
    return error_page(409, "This could not be saved", str(error))


@ui.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int]:
    return error_page(error.code or 500, error.name, error.description or "")


@ui.errorhandler(Exception)
def unexpected(_error: Exception) -> tuple[str, int]:
    log.exception("unhandled UI error", extra={"path": request.path})
    return error_page(
        500,
        "Something went wrong",
        "Nothing more was saved. If it happens again, give this reference to support: "
        f"{context.current_correlation_id()}.",
    )


@ui.route("/<path:_anything>", methods=["GET", "POST"])
def unknown(_anything: str) -> tuple[str, int]:
    return not_found(DomainNotFound("page"))
