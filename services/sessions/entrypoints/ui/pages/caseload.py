"""The caseload: every open episode of the clinician, clients with an open risk flag first."""

from __future__ import annotations

from typing import Any

from services.sessions.entrypoints.ui import views
from services.sessions.entrypoints.ui.blueprint import page, ui


@ui.get("/caseload")
def caseload() -> Any:
    space = views.workspace()
    return page("caseload.html", space=space, rows=views.caseload_rows(space))
