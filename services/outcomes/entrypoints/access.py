"""Who may call which route of the outcomes API: one table, checked before a body is parsed."""

from __future__ import annotations

from shared.auth import RouteRoles
from shared.roles import CLINICAL, REPORT_READERS

ROUTE_ROLES: RouteRoles = {
    "reports.ProgramReport": {"GET": REPORT_READERS},
    "measures.ClientMeasures": {"GET": CLINICAL},
}
