"""The clinician's calendar subscription: a link for a phone's calendar app, made anew or stopped here."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for

from services.sessions import handlers
from services.sessions.entrypoints.calendar import subscription_link
from services.sessions.entrypoints.ui import views
from services.sessions.entrypoints.ui.blueprint import page, ui
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.service import dependencies


@ui.get("/calendar")
def calendar() -> Any:
    return page("calendar.html", space=views.workspace(), link=None)


@ui.post("/calendar/link")
def new_calendar_link() -> Any:
    """Shown once, in this answer only: the link is not kept anywhere it could be read back."""
    deps, who = dependencies(), views.viewer()
    clinician = handlers.open_calendar_feed(who.sub, who, deps.uow(), deps.repos)
    link = subscription_link(clinician, current_principal().role, utcnow())
    return page("calendar.html", space=views.workspace(), link=link)


@ui.post("/calendar/stop")
def stop_calendar_link() -> Any:
    deps, who = dependencies(), views.viewer()
    handlers.stop_calendar_feed(who.sub, who, deps.uow(), deps.repos)
    flash("The subscription link no longer works. Calendars that used it stop updating.", "success")
    return redirect(url_for("ui.calendar"))
