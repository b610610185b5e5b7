"""Where intake, outcomes and notifications keep the supervision sessions announces, and the
consumer that keeps it: one projection, the same in every service (the rule is in
`shared/supervision.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.documents import DocumentKind, Index, Query, StoreFactory
from shared.envelope import Envelope
from shared.roles import SUPERVISOR
from shared.supervision import Supervision
from shared.uow import UnitOfWork

SUPERVISION = DocumentKind("supervision", Supervision, id_field="clinician_id", indexes=(Index.on("supervisor_id"),))


class SupervisionRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self._supervision = stores(SUPERVISION)

    def of(self, clinician_id: str) -> Supervision | None:
        return self._supervision.get(clinician_id)

    def put(self, supervision: Supervision, uow: UnitOfWork) -> None:
        self._supervision.put(supervision, uow)

    def team_seen_by(self, staff_id: str, role: str) -> frozenset[str]:
        """The team whose clients widen a caller's access: a supervisor's; nobody else has one."""
        return self.team_of(staff_id) if role == SUPERVISOR else frozenset()

    def team_of(self, supervisor_id: str) -> frozenset[str]:
        """The clinicians `supervisor_id` supervises now."""
        rows = self._supervision.values({"supervisor_id": supervisor_id}, ["_id"])
        return frozenset(row["_id"] for row in rows)


def treated_outside(staff_ids: frozenset[str]) -> Query:
    """A query of a caseload (documents with `clinician_id` and, once the course closed,
    `former_clinician_id`): the clients treated now, or last, by a clinician who is none of
    `staff_ids` (a supervisor and their team), i.e. another team's."""
    others = {"$nin": [None, *sorted(staff_ids)]}
    return {"$or": [{"clinician_id": others}, {"clinician_id": None, "former_clinician_id": others}]}


def keep_supervision(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, supervision: SupervisionRepository
) -> None:
    """`sessions.clinician.supervisor_changed`: the latest news per clinician wins, so an event
    delivered twice, or late, changes nothing."""
    news = Supervision(data["clinician_id"], data["supervisor_id"], _moment(data["changed_at"]))
    if news.replaces(supervision.of(news.clinician_id)):
        supervision.put(news, uow)
    uow.commit()


def _moment(value: datetime | str) -> datetime:
    # The consumer hands over the contract's loaded data (datetimes); a raw payload has strings.
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
