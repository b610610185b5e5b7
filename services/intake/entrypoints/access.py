"""Who may call which route of the intake API: one table, checked before a body is parsed.

Every /api route must appear here (the app refuses to start otherwise); a method missing from
a route's entry is closed to everyone. Which clients a caller may know of within a route is
decided by `services/intake/domain/access.py`, applied by `client_gate` below and by the lists.
"""

from __future__ import annotations

from flask import g, request

from services.intake import handlers
from services.intake.domain.access import Viewer
from shared.audit_api import AUDIT_ROUTE_ROLES, audit_refused
from shared.auth import RouteRoles, current_principal
from shared.emergency_requests import emergency_pass
from shared.errors import NotFound
from shared.roles import ADMIN, EMERGENCY_READERS, REGISTRARS, RISK_CLEARERS, ROLES, STAFF, SUPERVISOR
from shared.service import dependencies

ROUTE_ROLES: RouteRoles = {
    "clients.Clients": {"POST": REGISTRARS, "GET": STAFF},
    "clients.ClientById": {"GET": STAFF, "PATCH": STAFF},
    "clients.Screenings": {"POST": STAFF, "GET": STAFF},
    "clients.ScreeningById": {"GET": STAFF},
    "clients.RiskFlags": {"POST": STAFF, "GET": STAFF},
    "clients.ClearRiskFlag": {"POST": RISK_CLEARERS},
    "clients.Consents": {"POST": STAFF, "GET": STAFF},
    "clients.RevokeConsent": {"POST": STAFF},
    "clients.ClientAssessment": {"PUT": STAFF, "GET": STAFF},
    "clients.ClientAdmission": {"GET": STAFF, "POST": STAFF},
    "clients.WorkQueue": {"GET": STAFF},
    # Break glass: clinicians and supervisors, for a client outside their caseload or team (admin
    # sees every client already); the review by supervisors and admin
    # (services/intake/domain/emergency_access.py).
    "emergency_access.BreakGlass": {"POST": EMERGENCY_READERS},
    "emergency_access.Grants": {"GET": (SUPERVISOR, ADMIN)},
    "emergency_access.ReviewGrant": {"POST": (SUPERVISOR, ADMIN)},
    "instruments.Instruments": {"GET": ROLES},
    "instruments.InstrumentByCode": {"GET": ROLES},
    **AUDIT_ROUTE_ROLES,  # GET /api/v1/audit: admin only (shared/audit_api.py)
}

# Routes that list or create clients without one in the URL; shared.web audits them too.
AUDITED_LISTS = ("clients.Clients", "clients.WorkQueue", "ui.queue", "ui.register", "emergency_access.Grants")


def viewer() -> Viewer:
    """The caller of this request (API token or staff page session), as the access rules see them:
    on a read, with the emergency access grants they hold."""
    principal = current_principal()
    repos = dependencies().repos
    return handlers.viewer_of(principal.sub, principal.role, repos, emergency_pass(repos.grants))


def client_gate() -> None:
    """Before every view that names a client in its URL (`<client_id>`), on the API and the staff
    pages alike: a caller who may not know of the client gets the 404 of a client that does not
    exist (services/intake/domain/access.py says who may). Views without a client in the URL (search,
    work queue, registration) narrow what they list by the same rules."""
    client_id = (request.view_args or {}).get("client_id")
    if client_id is None or g.get("principal") is None:
        return
    repos = dependencies().repos
    try:
        handlers.ensure_visible(client_id, viewer(), repos)
    except NotFound:
        if repos.clients.get(client_id) is not None:
            audit_refused()  # the trail tells a refusal from a mistyped id; the caller cannot
        raise
