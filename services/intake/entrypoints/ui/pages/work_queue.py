"""The work queue, the start page of the staff UI, with the client search."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from services.intake import handlers
from services.intake.domain.work_queue import STAGES
from services.intake.entrypoints.access import viewer
from services.intake.entrypoints.ui.blueprint import page, ui
from shared.audit_api import audit_clients
from shared.envelope import utcnow
from shared.service import dependencies
from shared.staff_ui.forms import text
from shared.vocabulary import PROGRAMS

PAGE_SIZE = 25
SEARCH_SHOWN = 25  # the newest matches; more means the search should be narrower


@ui.route("/", methods=["GET", "POST"])
def queue() -> Any:
    # The search box posts, so names never land in URLs, browser history or proxy logs. The
    # filters and the page number are no client data, so they may: a filtered page can be shared.
    # Each list holds only the clients the signed-in person may know of (domain/access.py).
    searching = request.method == "POST"
    query = text(request.form, "q")[:100] if searching else ""
    born_text = text(request.form, "born") if searching else ""
    born = _date(born_text)
    repos = dependencies().repos
    results, found = None, 0
    born_error = bool(born_text) and born is None
    if query and not born_error:
        results, found = handlers.search_clients(query, viewer(), repos, born, limit=SEARCH_SHOWN)
    stage = _choice(request.args.get("stage"), STAGES)
    program = _choice(request.args.get("program"), PROGRAMS)
    entries = handlers.work_queue_entries(repos, utcnow().date(), viewer(), stage=stage, program=program)
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    number = min(max(1, _int(request.args.get("page"), 1)), pages)
    shown = entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    audit_clients(*(client.id for client in results or ()), *(client.id for _, client in shown))
    return page(
        "queue.html",
        entries=shown,
        total=len(entries),
        first=(number - 1) * PAGE_SIZE + 1,
        page_number=number,
        pages=pages,
        stage=stage,
        program=program,
        query=query,
        born=born_text,
        born_error=born_error,
        results=results,
        found=found,
    )


def _choice(value: str | None, allowed: Any) -> str | None:
    return value if value in allowed else None


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
