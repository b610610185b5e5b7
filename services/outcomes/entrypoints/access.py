"""Who may call which route of the outcomes API: one table, checked before a body is parsed.

Which clients a caller sees within a route is decided by `services/outcomes/domain/access.py`.
"""

from __future__ import annotations

from shared.audit_api import AUDIT_ROUTE_ROLES
from shared.auth import RouteRoles
from shared.roles import CLINICAL, CLINICIAN, REPORT_READERS, SUPERVISOR

ROUTE_ROLES: RouteRoles = {
    "reports.ProgramReport": {"GET": REPORT_READERS},
    "reports.ProgramReportChart": {"GET": REPORT_READERS},
    "clients.ClientMeasures": {"GET": CLINICAL, "POST": (CLINICIAN, SUPERVISOR)},
    "clients.ClientOutcomes": {"GET": CLINICAL},
    "clients.ClientFhir": {"GET": CLINICAL},
    "clients.ClientDisclosures": {"GET": CLINICAL},  # the client's accounting of disclosures
    "clients.ClientTrajectory": {"GET": CLINICAL},
    "episodes.EpisodeTrajectory": {"GET": CLINICAL},
    "episodes.EpisodeOutcomes": {"GET": CLINICAL},
    **AUDIT_ROUTE_ROLES,  # GET /api/v1/audit: admin only (shared/audit_api.py)
}
