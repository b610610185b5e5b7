"""The audit trail: who read or changed which client's record, when, from where, and what came of
it. One trail per service, in the service's own database (collection `audit`), written after every
signed-in request that touches client data (shared/web.py), and read by admin at
`GET /api/v1/audit?client_id=&actor=&from=&to=` on every service (shared/audit_api.py).

Each record is also published on the audit topic (`AUDIT_TOPIC`, `audit.access.recorded`) through
the transactional outbox: in the same transaction as it is stored, so a record is never published
without being stored, nor stored without being published.

Append-only: the trail offers `append` and `find`, nothing that updates or deletes, and it is
stored with `add` (an insert that refuses an id already taken). A record holds identifiers, the
action (method and endpoint, never the URL's query) and the status: never names, answers, notes or
anything else a request or response carried.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from shared.contracts import field_names, validate_outgoing
from shared.contracts.audit import ACCESS_RECORDED
from shared.documents import DESCENDING, DocumentKind, Documents, Index, Query, StoreFactory
from shared.envelope import Envelope
from shared.uow import StagedWrite, UnitOfWork

MAX_CLIENTS = 500  # ids kept of one list; a page never shows more
# What came of the request, from its status; "refused" when the service knows the record exists
# but the caller may not know of it (they were answered 404 all the same).
OK, REFUSED, NOT_FOUND, DENIED, INVALID, ERROR = "ok", "refused", "not_found", "denied", "invalid", "error"
LIMITED = "limited"  # 429: too many requests, refused unheard
RESULTS = (OK, REFUSED, NOT_FOUND, DENIED, LIMITED, INVALID, ERROR)


@dataclass(frozen=True)
class AuditRecord:
    id: str
    at: datetime
    service: str
    actor: str
    role: str
    action: str  # "GET clients.ClientById": the method and the endpoint, never the URL itself
    address: str | None  # the caller's network address as the service saw it
    status: int
    result: str
    client_id: str | None = None  # the one client the request named or showed
    clients: tuple[str, ...] = ()  # every client it named or showed (a list shows many)
    correlation_id: str | None = None
    emergency_grant: str | None = None  # the emergency access grant the request was served under


AUDIT = DocumentKind(
    "audit",
    AuditRecord,
    indexes=(Index.on("clients", ("at", DESCENDING)), Index.on("actor", ("at", DESCENDING)), Index.on("at")),
)


def result_of(status: int) -> str:
    if status < 400:
        return OK
    if status == 404:
        return NOT_FOUND
    if status in (401, 403):
        return DENIED
    if status == 429:
        return LIMITED
    return INVALID if status < 500 else ERROR


def new_record(
    *,
    service: str,
    actor: str,
    role: str,
    action: str,
    address: str | None,
    status: int,
    clients: Iterable[str] = (),
    result: str | None = None,
    correlation_id: str | None = None,
    at: datetime | None = None,
    emergency_grant: str | None = None,
) -> AuditRecord:
    named = tuple(dict.fromkeys(str(client) for client in clients if client))[:MAX_CLIENTS]
    return AuditRecord(
        id=str(uuid.uuid4()),
        at=at or datetime.now(UTC),
        service=service,
        actor=actor,
        role=role,
        action=action,
        address=address,
        status=status,
        result=result or result_of(status),
        client_id=named[0] if len(named) == 1 else None,
        clients=named,
        correlation_id=correlation_id,
        emergency_grant=emergency_grant,
    )


@dataclass(frozen=True)
class AuditQuery:
    client_id: str | None = None
    actor: str | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    emergency_grant: str | None = None

    def document(self) -> Query:
        query: dict[str, Any] = {}
        if self.emergency_grant:
            query["emergency_grant"] = self.emergency_grant
        if self.client_id:
            query["clients"] = self.client_id
        if self.actor:
            query["actor"] = self.actor
        moment: dict[str, datetime] = {}
        if self.start:
            moment["$gte"] = self.start
        if self.end:
            moment["$lt"] = self.end
        if moment:
            query["at"] = moment
        return query


AUDIT_EVENT_VERSION = 1
# How a storage writes one outbox record for an event on a given topic, as a write of its unit of work.
OutboxWrite = Callable[[Envelope, str], StagedWrite]


@dataclass(frozen=True)
class AuditPublication:
    """Where the trail's records are published: the topic (AUDIT_TOPIC) and the storage's outbox."""

    topic: str
    outbox_write: OutboxWrite


def audit_event(record: AuditRecord) -> Envelope:
    """The record as an `audit.access.recorded` event: the contract's fields of the record, keyed by
    its id. A field added to the record is published once the contract names it."""
    fields = asdict(record)
    fields["record_id"] = fields.pop("id")
    data = {name: fields[name] for name in field_names(ACCESS_RECORDED, AUDIT_EVENT_VERSION)}
    data["at"] = record.at.isoformat()
    return Envelope(
        type=ACCESS_RECORDED,
        version=AUDIT_EVENT_VERSION,
        source=record.service,
        subject=record.id,
        data=validate_outgoing(ACCESS_RECORDED, AUDIT_EVENT_VERSION, data),
        correlation_id=record.correlation_id or "",
    )


class AuditTrail:
    """Append and find, nothing else: there is no path in the code that changes a stored record."""

    def __init__(
        self,
        stores: StoreFactory,
        uow: Callable[..., UnitOfWork],
        publication: AuditPublication | None = None,  # None: records are stored, not published
    ) -> None:
        self._records: Documents[AuditRecord] = stores(AUDIT)
        self._uow = uow
        self._publication = publication

    def append(self, record: AuditRecord) -> None:
        uow = self._uow()
        self._records.add(record, uow)
        if self._publication is not None:
            uow.stage(self._publication.outbox_write(audit_event(record), self._publication.topic))
        uow.commit()

    def find(self, query: AuditQuery, offset: int = 0, limit: int = 0) -> tuple[list[AuditRecord], int]:
        """A page of the records matching the query, newest first, and how many match in all."""
        document = query.document()
        found = self._records.find(document, sort=[("at", DESCENDING)], limit=limit, skip=offset)
        return [_aware(record) for record in found], self._records.count(document)


def _aware(record: AuditRecord) -> AuditRecord:
    # A database client without tz_aware hands back naive UTC datetimes.
    if record.at.tzinfo is not None:
        return record
    return replace(record, at=record.at.replace(tzinfo=UTC))
