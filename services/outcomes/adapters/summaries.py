"""Where outcomes keeps one summary per episode for the program reports (rebuilt and upserted
whenever the episode changes, so a report reads summaries of its period, never measures)."""

from __future__ import annotations

from datetime import datetime

from services.outcomes.domain.report import CourseSummary
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

COURSE_SUMMARIES = DocumentKind(
    "course_summaries", CourseSummary, id_field="episode_id", indexes=(Index.on(("counted_on", ASCENDING)),)
)


class CourseSummaryRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(COURSE_SUMMARIES)

    def put(self, summary: CourseSummary, uow: UnitOfWork) -> None:
        self.documents.put(summary, uow)

    def get(self, episode_id: str) -> CourseSummary | None:
        return self.documents.get(episode_id)

    def counted_between(self, start: datetime, end: datetime) -> list[CourseSummary]:
        """Summaries counted at or after `start` and before `end`."""
        return self.documents.find({"counted_on": {"$gte": start, "$lt": end}})
