"""Who may call which route of the intake API: one table, checked before a body is parsed.

Every /api route must appear here (the app refuses to start otherwise); a method missing from
a route's entry is closed to everyone.
"""

from __future__ import annotations

from shared.auth import RouteRoles
from shared.roles import REGISTRARS, RISK_CLEARERS, ROLES, STAFF

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
    "instruments.Instruments": {"GET": ROLES},
    "instruments.InstrumentByCode": {"GET": ROLES},
}

# Routes that list or create clients without one in the URL; shared.web audits them too.
AUDITED_LISTS = ("clients.Clients", "clients.WorkQueue", "ui.queue", "ui.register")
