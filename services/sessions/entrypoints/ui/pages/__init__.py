"""The workspace pages, one module per page group; importing them registers their routes on `ui`."""

from services.sessions.entrypoints.ui.pages import alerts, calendar, caseload, chart, schedule, session  # noqa: F401
