"""The workspace under an emergency ("break glass") grant from intake (shared/emergency_access.py):
which grant lets the signed-in clinician read a client's chart their role alone does not open,
and the polite refusal of every page that would change the course under it (booking, moving,
cancelling, attendance, documenting). Reads carry the grant through `views.viewer()`, so the
audit record of each page names it.
"""

from __future__ import annotations

from typing import Any

from flask import g, request

from services.sessions import handlers
from services.sessions.domain.access import may_see
from services.sessions.entrypoints.ui.blueprint import error_page, ui
from shared.emergency_access import EmergencyGrant, grant_in_force
from shared.emergency_requests import READS
from shared.envelope import utcnow
from shared.service import dependencies

# The pages a grant opens: the chart (by episode or by client) and a session's page.
READ_PAGES = frozenset({"ui.chart", "ui.client_chart", "ui.session"})


def emergency_grant(client_id: str, clinician_id: str | None) -> EmergencyGrant | None:
    """The grant in force by which the signed-in person reads this client's course, when their role
    alone would not show it (their own client, or their team's for a supervisor, needs no banner)."""
    principal = g.get("principal")
    if principal is None:
        return None
    repos = dependencies().repos
    if may_see(handlers.viewer_for(principal.sub, principal.role, repos), clinician_id):
        return None
    now = utcnow()
    return grant_in_force(repos.emergency.unexpired_of(principal.sub, now), principal.sub, client_id, now)


def _course_named() -> tuple[str, str | None] | None:
    """The client and clinician of the episode or session the URL names, if it names one that exists."""
    args, repos = request.view_args or {}, dependencies().repos
    record = None
    if "episode_id" in args:
        record = repos.episodes.get(args["episode_id"])
    elif "session_id" in args:
        record = repos.sessions.get(args["session_id"])
    return (record.client_id, record.clinician_id) if record is not None else None


@ui.before_request
def refuse_changes_under_grant() -> Any:
    """A page that would change a course the caller reads only under a grant says so, instead of the
    "not found" the access rules give a change (the caller may know of the client)."""
    if request.endpoint in READ_PAGES and request.method in READS:
        return None
    named = _course_named()
    if named is None or emergency_grant(*named) is None:
        return None  # the access rules decide, as for anyone
    return error_page(
        403,
        "Emergency access is read only",
        "Under emergency access you may read this client's chart, not change it. Nothing was saved. "
        "Ask the client's clinician or a supervisor to make the change.",
    )
