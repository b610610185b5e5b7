"""The alerts inbox: risk alerts that reached the clinician (taken on here), and what outcomes flagged."""

from __future__ import annotations

import os
from typing import Any

from flask import flash, redirect, url_for

from services.sessions import handlers
from services.sessions.domain.access import may_see
from services.sessions.entrypoints.ui import views
from services.sessions.entrypoints.ui.blueprint import page, ui
from shared.envelope import utcnow
from shared.service import dependencies

TAKEN_ON = "You have taken the alert on: it stops escalating. Clear the risk flag in intake once assessed."


@ui.get("/alerts")
def alerts() -> Any:
    who, repos = views.viewer(), dependencies().repos
    risk = handlers.open_alerts_for(who, repos)
    space = views.workspace()
    caseload = views.caseload_rows(space)
    concluded = repos.outcomes.of_episodes([row.episode.id for row in caseload])
    outcome_alerts = [
        (row, alert)
        for row in caseload
        if row.episode.id in concluded
        for alert in sorted(concluded[row.episode.id].alerts, key=lambda a: a.raised_at, reverse=True)
    ]
    return page(
        "alerts.html",
        space=space,
        risk=risk,
        names=views.names([a.client_id for a in risk]),
        outcome_alerts=outcome_alerts,
    )


@ui.get("/alerts/<alert_id>")
def alert(alert_id: str) -> Any:
    who, repos = views.viewer(), dependencies().repos
    found = handlers.get_alert(alert_id, who, repos)
    episode = repos.episodes.open_for_client(found.client_id)
    return page(
        "alert.html",
        alert=found,
        name=views.names([found.client_id])[found.client_id],
        card=views.card(found.client_id),
        chart_episode=episode if episode is not None and may_see(who, episode.clinician_id) else None,
        intake_record=f"{_intake_ui()}/clients/{found.client_id}",
        space=views.workspace(),
    )


@ui.post("/alerts/<alert_id>/acknowledge")
def acknowledge(alert_id: str) -> Any:
    deps = dependencies()
    if handlers.acknowledge_alert(alert_id, views.viewer(), utcnow(), deps.uow(), deps.repos):
        flash(
            "You have taken the alert on: it stops escalating. Clear the risk flag in intake once assessed.", "success"
        )
    else:
        flash("The alert was already taken on or closed.", "info")
    return redirect(url_for("ui.alert", alert_id=alert_id))


def _intake_ui() -> str:
    """Where the intake staff pages are: the client's record, risk flags and contact details live there."""
    configured = os.environ.get("INTAKE_PUBLIC_URL", "").rstrip("/")
    return f"{configured or 'http://127.0.0.1:' + os.environ.get('INTAKE_PORT', '8001')}/ui"
