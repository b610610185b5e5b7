"""The work queue, the start page of the staff UI, with the client search."""

from __future__ import annotations

from typing import Any

from flask import request

from services.intake import handlers
from services.intake.entrypoints.ui.blueprint import page, ui
from services.intake.entrypoints.ui.forms.fields import text
from shared.service import dependencies


@ui.route("/", methods=["GET", "POST"])
def queue() -> Any:
    # The search box posts, so names never land in URLs, browser history or proxy logs.
    query = text(request.form, "q")[:100] if request.method == "POST" else ""
    repos = dependencies().repos
    results = None
    if query:
        results = handlers.search_clients(query, repos)
    entries = handlers.work_queue_entries(repos)
    return page("queue.html", entries=entries, query=query, results=results)
