"""Where therapy sessions are kept, and the busy times a booking is checked against."""

from __future__ import annotations

from datetime import datetime

from services.sessions.domain.schedule import Slot
from services.sessions.domain.session import CANCELLED, Session
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

SESSIONS = DocumentKind(
    "sessions",
    Session,
    indexes=(
        Index.on("clinician_id", ("start", ASCENDING)),
        Index.on("client_id", ("start", ASCENDING)),
        Index.on("episode_id", "number"),
    ),
)


class SessionRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(SESSIONS)

    def add(self, session: Session, uow: UnitOfWork) -> None:
        self.documents.add(session, uow)

    def save(self, session: Session, uow: UnitOfWork) -> None:
        self.documents.save(session, uow)

    def get(self, session_id: str) -> Session | None:
        return self.documents.get(session_id)

    def next_for_episodes(self, episode_ids: list[str], after: datetime) -> dict[str, Session]:
        """Each episode's next scheduled session after `after`."""
        found = self.documents.find(
            {"episode_id": {"$in": episode_ids}, "status": "scheduled", "start": {"$gt": after}},
            sort=[("start", ASCENDING)],
        )
        upcoming: dict[str, Session] = {}
        for session in found:
            upcoming.setdefault(session.episode_id, session)
        return upcoming

    def of_group(self, group_id: str) -> list[Session]:
        return self.documents.find({"group_id": group_id}, sort=[("start", ASCENDING)])

    def for_episode(self, episode_id: str) -> list[Session]:
        return self.documents.find({"episode_id": episode_id}, sort=[("start", ASCENDING)])

    def of_clinician(self, clinician_id: str, start: datetime, end: datetime) -> list[Session]:
        """The clinician's sessions that overlap [start, end), cancelled ones too."""
        query = {"clinician_id": clinician_id, "start": {"$lt": end}, "end": {"$gt": start}}
        return self.documents.find(query, sort=[("start", ASCENDING)])

    def busy(
        self,
        field: str,
        who: str,
        start: datetime,
        end: datetime,
        except_id: str | None = None,
        except_group: str | None = None,
    ) -> list[Slot]:
        """When `who` (a clinician_id or client_id) is already booked within [start, end); the
        session being moved, or the group being booked, does not count against itself."""
        query = {field: who, "status": {"$ne": CANCELLED}, "start": {"$lt": end}, "end": {"$gt": start}}
        return [
            s.slot
            for s in self.documents.find(query)
            if s.id != except_id and (except_group is None or s.group_id != except_group)
        ]
