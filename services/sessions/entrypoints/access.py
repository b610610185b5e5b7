"""Who may call which route of the sessions API: one table, checked before a body is parsed."""

from __future__ import annotations

from shared.auth import RouteRoles
from shared.roles import STAFF

ROUTE_ROLES: RouteRoles = {
    "episodes.Episodes": {"GET": STAFF},
}
