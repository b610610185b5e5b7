"""The client chart: the risk banner, the course so far, the outcome trajectory, and booking sessions."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from services.sessions import handlers, scheduling
from services.sessions.entrypoints.ui import forms, views
from services.sessions.entrypoints.ui.blueprint import page, ui
from shared.envelope import utcnow
from shared.errors import Conflict, Invalid, NotFound
from shared.service import dependencies
from shared.staff_ui.errors import Errors, ordered
from shared.staff_ui.forms import form_values


@ui.get("/episodes/<episode_id>")
def chart(episode_id: str) -> Any:
    return chart_page(episode_id)


@ui.get("/clients/<client_id>")
def client_chart(client_id: str) -> Any:
    """The chart of the client's latest course the signed-in person may see: how a clinician reading
    under an emergency grant, who knows the client by id (from intake), opens it."""
    episodes = handlers.episodes_for_client(client_id, views.viewer(), dependencies().repos)
    if not episodes:
        raise NotFound("client")
    latest = max(episodes, key=lambda episode: episode.opened_at)
    return redirect(url_for("ui.chart", episode_id=latest.id))


def chart_page(
    episode_id: str,
    status: int = 200,
    errors: Errors | None = None,
    values: dict[str, Any] | None = None,
    conflicts: list[dict[str, str]] | None = None,
) -> Any:
    found = views.chart(episode_id)
    defaults = {"duration_minutes": "50", "count": str(_remaining(found)), "frequency": "weekly"}
    return page(
        "chart.html",
        status,
        chart=found,
        errors=ordered(errors or {}, forms.BOOKING_ORDER),
        values=values if values is not None else defaults,
        conflicts=conflicts or [],
    )


def _remaining(found: views.Chart) -> int:
    """What is left of the agreed course to book (at least one: maintenance and extra sessions happen)."""
    return max(found.episode.planned_sessions - found.booked, 1)


@ui.post("/episodes/<episode_id>/sessions")
def book(episode_id: str) -> Any:
    found = views.chart(episode_id)  # 404 for an episode the viewer may not see
    values = form_values(request.form)
    try:
        body = forms.booking_request(request.form, found.zone)
        deps = dependencies()
        booked = scheduling.book_series(episode_id, body, views.viewer(), utcnow(), deps.uow(), deps.repos)
    except Invalid as invalid:
        return chart_page(episode_id, 422, errors=invalid.errors, values=values)
    except Conflict as refused:
        conflicts = refused.details.get("conflicts")
        if not conflicts:
            raise
        return chart_page(episode_id, 409, values=values, conflicts=conflicts)
    flash(f"{len(booked)} session{'s' if len(booked) != 1 else ''} booked.", "success")
    return redirect(url_for("ui.chart", episode_id=episode_id) + "#sessions")
