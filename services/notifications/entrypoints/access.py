"""Who may call which route of the notifications API: one table, checked before a body is parsed."""

from __future__ import annotations

from shared.auth import RouteRoles
from shared.roles import CLINICAL

ROUTE_ROLES: RouteRoles = {
    "recipients.RecipientStatus": {"GET": CLINICAL},
    "alerts.Alerts": {"GET": CLINICAL},
    "alerts.AcknowledgeAlert": {"POST": CLINICAL},
}
