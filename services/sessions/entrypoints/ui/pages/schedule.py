"""Today's sessions (the start page) and a week at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request

from services.sessions.entrypoints.ui import views
from services.sessions.entrypoints.ui.blueprint import page, ui

WEEK = 7


@ui.get("/")
def today() -> Any:
    space = views.workspace()
    day = views.today_in(space)
    sessions = views.sessions_between(space, day, 1)
    return page(
        "today.html",
        space=space,
        day=day,
        sessions=sessions,
        names=views.names([s.client_id for s in sessions]),
    )


@ui.get("/week")
def week() -> Any:
    space = views.workspace()
    first = views.week_start(space, request.args.get("start"))
    sessions = views.sessions_between(space, first, WEEK)
    days = [first + timedelta(days=offset) for offset in range(WEEK)]
    by_day = {day: [s for s in sessions if s.start.astimezone(space.zone).date() == day] for day in days}
    return page(
        "week.html",
        space=space,
        days=days,
        by_day=by_day,
        today=views.today_in(space),
        previous=first - timedelta(days=WEEK),
        following=first + timedelta(days=WEEK),
        names=views.names([s.client_id for s in sessions]),
    )
