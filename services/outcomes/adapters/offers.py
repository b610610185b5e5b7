"""Where outcomes keeps self-report offers: one per session, found by the hash of its link's token."""

from __future__ import annotations

from datetime import datetime

from services.outcomes.domain.self_report import OPEN, Offer
from shared.documents import ASCENDING, DocumentKind, Index, StoreFactory
from shared.uow import UnitOfWork

OFFERS = DocumentKind(
    "self_report_offers",
    Offer,
    id_field="offer_id",
    indexes=(
        Index.on("token_hash", unique=True),
        Index.on("episode_id", ("session_start", ASCENDING)),
        Index.on("status", ("expires_at", ASCENDING)),
    ),
)


class OfferRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents = stores(OFFERS)

    def get(self, offer_id: str) -> Offer | None:
        return self.documents.get(offer_id)

    def add(self, offer: Offer, uow: UnitOfWork) -> None:
        self.documents.add(offer, uow)

    def save(self, offer: Offer, uow: UnitOfWork) -> None:
        self.documents.save(offer, uow)

    def by_token_hash(self, token_hash: str) -> Offer | None:
        return self.documents.find_one({"token_hash": token_hash})

    def for_episode(self, episode_id: str) -> list[Offer]:
        return self.documents.find({"episode_id": episode_id}, sort=[("session_start", ASCENDING)])

    def open_for_episode(self, episode_id: str) -> list[Offer]:
        return self.documents.find({"episode_id": episode_id, "status": OPEN}, sort=[("session_start", ASCENDING)])

    def expired(self, now: datetime, limit: int = 100) -> list[Offer]:
        """Open offers whose time is up, oldest first."""
        query = {"status": OPEN, "expires_at": {"$lte": now}}
        return self.documents.find(query, sort=[("expires_at", ASCENDING)], limit=limit)
