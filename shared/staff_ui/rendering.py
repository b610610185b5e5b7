"""How staff pages are drawn: a template and the HTTP status to answer with."""

from __future__ import annotations

from typing import Any

from flask import render_template


def page(template: str, status: int = 200, **ctx: Any) -> tuple[str, int]:
    """A service template of templates/ui (or a shared one, named "staff/...")."""
    name = template if "/" in template else f"ui/{template}"
    return render_template(name, **ctx), status


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return page("staff/error.html", status, title=title, message=message)
