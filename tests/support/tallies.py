"""A handler whose effect shows order and repetition: it reads a client's tally and writes it
back one higher, with the event appended (a lost read of an earlier write shows as a short count)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.documents import DocumentKind
from shared.envelope import Envelope
from shared.mongo_store import MongoDocuments


@dataclass
class Tally:
    id: str
    seen: int
    order: list[str]


TALLIES = DocumentKind("tallies", Tally)


def tally_handler(db: Any):
    """Counts each client's events in `tallies` and records each in `effects`."""
    tallies = MongoDocuments(db, TALLIES)

    def handle(event: Envelope, data: dict, uow) -> None:
        tally = tallies.get(data["client_id"]) or Tally(data["client_id"], 0, [])
        tallies.put(Tally(tally.id, tally.seen + 1, [*tally.order, event.id]), uow)
        uow.stage(lambda s: db.effects.insert_one({"event_id": event.id}, session=s))

    return handle
