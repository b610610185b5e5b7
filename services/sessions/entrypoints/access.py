"""Who may call which route of the sessions API: one table, checked before a body is parsed.

Which records a caller sees within a route is decided by `services/sessions/domain/access.py`.
"""

from __future__ import annotations

from shared.audit_api import AUDIT_ROUTE_ROLES
from shared.auth import RouteRoles
from shared.roles import ADMIN, CLINICAL, CLINICIAN, STAFF, SUPERVISOR

MANAGERS = (SUPERVISOR, ADMIN)

ROUTE_ROLES: RouteRoles = {
    "episodes.Episodes": {"GET": CLINICAL},
    "episodes.EpisodeById": {"GET": CLINICAL, "PATCH": CLINICAL},
    "episodes.Trajectory": {"GET": CLINICAL},
    "clinicians.Clinicians": {"POST": MANAGERS, "GET": STAFF},
    "clinicians.ClinicianById": {"GET": STAFF, "PATCH": MANAGERS},
    "clinicians.Caseload": {"GET": (CLINICIAN, SUPERVISOR, ADMIN)},
    "clinicians.Schedule": {"GET": (CLINICIAN, SUPERVISOR, ADMIN)},
    "clinicians.Calendar": {"GET": (CLINICIAN, SUPERVISOR, ADMIN)},
    "clinicians.CalendarFeed": {"POST": (CLINICIAN, SUPERVISOR, ADMIN), "DELETE": (CLINICIAN, SUPERVISOR, ADMIN)},
    "sessions.EpisodeSessions": {"POST": CLINICAL, "GET": CLINICAL},
    "sessions.SessionById": {"GET": CLINICAL, "PATCH": CLINICAL},
    "sessions.SessionRecordView": {"PUT": (CLINICIAN, SUPERVISOR, ADMIN)},
    "groups.Groups": {"POST": CLINICAL, "GET": CLINICAL},
    "groups.GroupById": {"GET": CLINICAL},
    "groups.GroupMembers": {"POST": CLINICAL},
    **AUDIT_ROUTE_ROLES,  # GET /api/v1/audit: admin only (shared/audit_api.py)
}
