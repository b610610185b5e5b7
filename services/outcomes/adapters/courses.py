"""Where outcomes keeps the episodes it follows (saved with optimistic concurrency: the worker and
the API may review the same episode at once, and the loser retries on fresh data)."""

from __future__ import annotations

from services.outcomes.domain.course import EpisodeCourse
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

COURSES = DocumentKind(
    "courses",
    EpisodeCourse,
    id_field="episode_id",
    indexes=(Index.on("client_id", ("opened_at", ASCENDING)), Index.on("clinician_id")),
)


class CourseRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(COURSES)

    def get(self, episode_id: str) -> EpisodeCourse | None:
        return self.documents.get(episode_id)

    def add(self, course: EpisodeCourse, uow: UnitOfWork) -> None:
        self.documents.add(course, uow)

    def save(self, course: EpisodeCourse, uow: UnitOfWork) -> None:
        self.documents.save(course, uow)

    def for_client(self, client_id: str) -> list[EpisodeCourse]:
        return self.documents.find({"client_id": client_id}, sort=[("opened_at", ASCENDING)])
