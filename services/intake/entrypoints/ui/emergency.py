"""The staff pages under an emergency ("break glass") grant: which grant lets the signed-in clinician
read a client their role alone does not open, and the polite refusal of every page that would
change the record under it (services/intake/domain/emergency_access.py; the API refuses changes
with a 404, which on a page the clinician was just reading would only confuse).
"""

from __future__ import annotations

from typing import Any

from flask import g, request

from services.intake import handlers
from shared.emergency_access import EmergencyGrant, grant_in_force
from shared.emergency_requests import READS
from shared.envelope import utcnow
from shared.service import dependencies
from shared.staff_ui import error_page

# The pages a grant opens: reading the record and a screening's result. Every other page naming a
# client changes it, or is a form to change it.
READ_PAGES = frozenset({"ui.client", "ui.screening"})


def emergency_grant(client_id: str) -> EmergencyGrant | None:
    """The grant in force by which the signed-in person reads this client, when their role alone
    would not open the record (on their own caseload, or for a supervisor, no banner is due)."""
    principal = g.get("principal")
    if principal is None:
        return None
    repos = dependencies().repos
    client = repos.clients.get(client_id)
    if client is None or handlers.may_open(handlers.viewer_of(principal.sub, principal.role, repos), client, repos):
        return None
    now = utcnow()
    return grant_in_force(repos.grants.unexpired_of(principal.sub, now), principal.sub, client_id, now)


def refuse_changes_under_grant() -> Any:
    """Before the client gate: a page that would change a client the caller reads only under a grant
    says so, instead of the "not found" the gate would answer (the caller may know of the client)."""
    client_id = (request.view_args or {}).get("client_id")
    if client_id is None or (request.endpoint in READ_PAGES and request.method in READS):
        return None
    if emergency_grant(client_id) is None:
        return None  # the client gate decides, as for anyone
    return error_page(
        403,
        "Emergency access is read only",
        "Under emergency access you may read this client's record, not change it. Nothing was saved. "
        "Ask the client's clinician or a supervisor to make the change.",
    )
