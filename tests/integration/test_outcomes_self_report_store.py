"""Self-report offers on the real database: found by their token's hash only, one per token, and
closed by the worker's timer when their time is up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.outcomes import self_report
from services.outcomes.adapters import COLLECTIONS
from services.outcomes.adapters.offers import OfferRepository
from services.outcomes.domain.self_report import BookedSession, Offer, SelfReportPolicy, new_token, token_hash
from shared.envelope import parse_envelope
from shared.errors import AlreadyExists
from shared.mongo_store import MongoDocuments, MongoUnitOfWork, ensure_indexes
from shared.outbox import OUTBOX

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def reports(db) -> self_report.SelfReport:
    ensure_indexes(db, COLLECTIONS)
    return self_report.SelfReport(OfferRepository(MongoDocuments.factory(db)), self_report.SelfReportSettings())


def offer(reports, db, session_id: str, start: datetime, token: str) -> Offer:
    session = BookedSession(session_id, "episode-1", "client-1", 1, start, start + timedelta(minutes=50))
    made = Offer.make(session, ("phq9", "gad7"), token, f"http://x/r/{token}", SelfReportPolicy(), NOW)
    uow = MongoUnitOfWork(db, "outcomes")
    reports.offers.add(made, uow)
    uow.commit()
    return made


def test_an_offer_is_found_by_its_tokens_hash_and_keeps_nothing_else_of_it(db, reports):
    token = new_token()
    made = offer(reports, db, "s-1", NOW + timedelta(days=1), token)
    assert self_report.offer_for_token(token, reports) == made
    assert self_report.offer_for_token(new_token(), reports) is None
    stored = db["self_report_offers"].find_one({"_id": made.offer_id})
    assert stored["token_hash"] == token_hash(token) and token not in str(stored)
    with pytest.raises(AlreadyExists):
        offer(reports, db, "s-2", NOW + timedelta(days=2), token)  # a hash names one offer


def test_the_timer_closes_only_offers_whose_time_is_up(db, reports):
    soon = offer(reports, db, "s-1", NOW + timedelta(hours=1), new_token())
    later = offer(reports, db, "s-2", NOW + timedelta(days=3), new_token())
    reports.clock = lambda: NOW + timedelta(hours=2)
    assert self_report.expire_offers(lambda: MongoUnitOfWork(db, "outcomes"), reports) == 1
    assert self_report.expire_offers(lambda: MongoUnitOfWork(db, "outcomes"), reports) == 0
    assert (reports.offers.get(soon.offer_id).status, reports.offers.get(later.offer_id).status) == ("expired", "open")
    withdrawn = [
        parse_envelope(doc["value"]).data for doc in db[OUTBOX].find({"type": "outcomes.self_report.withdrawn"})
    ]
    assert [(w["offer_id"], w["reason"]) for w in withdrawn] == [(soon.offer_id, "expired")]
