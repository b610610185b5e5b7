"""Who may call which route of the notifications API: one table, checked before a body is parsed.

Which notifications and alerts a caller sees within a route is decided by `domain/access.py`.
"""

from __future__ import annotations

from shared.audit_api import AUDIT_ROUTE_ROLES
from shared.auth import RouteRoles
from shared.roles import ADMIN, CLINICAL, STAFF, SUPERVISOR

ROUTE_ROLES: RouteRoles = {
    "recipients.RecipientStatus": {"GET": CLINICAL},
    "notifications.Notifications": {"GET": CLINICAL},
    "alerts.Alerts": {"GET": CLINICAL},
    "alerts.AcknowledgeAlert": {"POST": CLINICAL},
    "clients.ClientPreferences": {"GET": STAFF, "PUT": STAFF},
    "on_call.OnCallRota": {"GET": CLINICAL, "PUT": (SUPERVISOR, ADMIN)},
    "staff.StaffMemberView": {"GET": (ADMIN,), "PUT": (ADMIN,)},
    **AUDIT_ROUTE_ROLES,  # GET /api/v1/audit: admin only (shared/audit_api.py)
}
