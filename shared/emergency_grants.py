"""Where sessions, outcomes and notifications keep the emergency grants intake announces, and the
consumer that keeps them: one projection, the same in every service (the rule is in
`shared/emergency_access.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.documents import DocumentKind, Index, StoreFactory
from shared.emergency_access import EmergencyGrant
from shared.envelope import Envelope
from shared.uow import UnitOfWork

EMERGENCY_GRANTS = DocumentKind(
    "emergency_grants", EmergencyGrant, id_field="grant_id", indexes=(Index.on("staff_id", "expires_at"),)
)


class EmergencyGrantRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self._grants = stores(EMERGENCY_GRANTS)

    def put(self, grant: EmergencyGrant, uow: UnitOfWork) -> None:
        self._grants.put(grant, uow)

    def unexpired_of(self, staff_id: str, now: datetime) -> tuple[EmergencyGrant, ...]:
        """The staff member's grants that have not expired at `now`."""
        return tuple(self._grants.find({"staff_id": staff_id, "expires_at": {"$gt": now}}))


def keep_grant(event: Envelope, data: dict[str, Any], uow: UnitOfWork, grants: EmergencyGrantRepository) -> None:
    """`intake.emergency_access.granted`: kept by its id, so an event delivered twice changes nothing."""
    grant = EmergencyGrant(
        grant_id=data["grant_id"],
        client_id=data["client_id"],
        staff_id=data["staff_id"],
        granted_at=_moment(data["granted_at"]),
        expires_at=_moment(data["expires_at"]),
    )
    grants.put(grant, uow)
    uow.commit()


def _moment(value: datetime | str) -> datetime:
    # The consumer hands over the contract's loaded data (datetimes); a raw payload has strings.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
