"""Intake's MongoDB repositories on the real database: round trips, search, concurrency."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.intake import handlers
from services.intake.adapters import COLLECTIONS
from services.intake.adapters.access import AccessRepository, GrantRepository
from services.intake.adapters.clients import ClientRepository, RequestKeys, ScreeningRepository
from services.intake.domain.access import Scope, Viewer
from services.intake.domain.caseload import CaseloadEntry
from shared.errors import Conflict
from shared.mongo_store import MongoDocuments, MongoUnitOfWork, ensure_indexes
from shared.outbox import OUTBOX
from shared.supervision_records import SupervisionRepository
from tests.unit.domain.conftest import NOW, registration


@pytest.fixture
def repos(db):
    ensure_indexes(db, COLLECTIONS)
    stores = MongoDocuments.factory(db)
    return handlers.Repositories(
        clients=ClientRepository(stores),
        screenings=ScreeningRepository(stores),
        requests=RequestKeys(stores),
        access=AccessRepository(stores),
        grants=GrantRepository(stores),
        supervision=SupervisionRepository(stores),
    )


def register(db, repos, **changes):
    return handlers.register_client(
        registration(**changes),
        "staff",
        NOW,
        MongoUnitOfWork(db, "intake"),
        repos,
        treatment_consent={"signed_on": NOW.date(), "signed_by": "client"},
    )


def test_client_round_trips_with_flags_and_consents(db, repos):
    client = register(db, repos)
    handlers.administer_screening(
        client.id, "phq9", [1] * 8 + [2], {"difficulty": 2}, "s", NOW, MongoUnitOfWork(db, "intake"), repos
    )
    loaded = repos.clients.get(client.id)
    assert loaded.registration == client.registration
    assert loaded.open_risk_flags[0].urgency == "urgent" and loaded.version == 1
    assert loaded.has_treatment_consent(NOW.date())
    [screening] = repos.screenings.for_client(client.id)
    assert screening.extras == {"difficulty": 2} and screening.total == 10
    types = [doc["type"] for doc in db[OUTBOX].find().sort([("created_at", 1), ("seq", 1)])]
    assert types == [
        "intake.client.registered",
        "intake.consent.recorded",
        "intake.screening.completed",
        "intake.risk.flagged",
    ]


def test_search_by_name_prefixes_and_duplicates_by_name_and_birth_date(db, repos):
    ann = register(db, repos, given_name="Ann", family_name="Lee")
    register(db, repos, given_name="Annabel", family_name="Moss")
    everyone = Scope(everyone=True)
    assert repos.clients.search("le an", everyone) == ([ann], 1)
    assert repos.clients.search(ann.id, everyone) == ([ann], 1)
    assert repos.clients.search("zz", everyone) == ([], 0)
    with pytest.raises(handlers.PossibleDuplicate):
        register(db, repos, given_name="ANN", family_name="lee")


def test_concurrent_changes_do_not_overwrite_each_other(db, repos):
    client = register(db, repos)
    first, second = repos.clients.get(client.id), repos.clients.get(client.id)
    first.flag_risk("high", "a", NOW, None)
    uow = MongoUnitOfWork(db, "intake")
    repos.clients.save(first, uow)
    uow.commit()
    second.flag_risk("urgent", "b", NOW, None)
    stale = MongoUnitOfWork(db, "intake")
    repos.clients.save(second, stale)
    with pytest.raises(Conflict):
        stale.commit()
    assert len(repos.clients.get(client.id).risk_flags) == 1
    # The stale change's flag event was rolled back with it: only the first flag was published.
    flagged = [doc["_id"] for doc in db[OUTBOX].find({"type": "intake.risk.flagged"})]
    assert len(flagged) == 1 and second.pending_events  # still pending on the refused aggregate


def test_the_work_queue_never_drops_a_client_at_risk(db, repos, monkeypatch):
    from services.intake.adapters import clients as adapter

    monkeypatch.setattr(adapter, "QUEUE_LIMIT", 3)
    for index in range(5):
        register(db, repos, given_name=f"Waiting{index}")
    late = register(db, repos, given_name="Late")
    handlers.flag_risk(late.id, "urgent", None, "s", NOW, MongoUnitOfWork(db, "intake"), repos)
    entries = handlers.work_queue_entries(repos, NOW.date(), Viewer("sup", "supervisor"))
    assert entries[0][1].id == late.id and entries[0][0].urgency == "urgent"
    assert len(entries) == 4  # the flagged client plus the three longest waiting


def test_a_request_key_stores_one_client_even_when_both_copies_race(db, repos, monkeypatch):
    first = handlers.register_client(
        registration(given_name="Once"), "s", NOW, MongoUnitOfWork(db, "intake"), repos, request_key="race-key-1"
    )
    real_lookup = repos.requests.result_of
    looked_up: list[str] = []

    def lookup_before_the_other_commit(operation: str, key: str) -> str | None:
        # The first look-up happens before the other copy committed; later ones see it.
        looked_up.append(key)
        return None if len(looked_up) == 1 else real_lookup(operation, key)

    monkeypatch.setattr(repos.requests, "result_of", lookup_before_the_other_commit)
    second = handlers.register_client(
        registration(given_name="Once"),
        "s",
        NOW,
        MongoUnitOfWork(db, "intake"),
        repos,
        request_key="race-key-1",
        allow_duplicate=True,
    )
    assert second.id == first.id
    assert db.clients.count_documents({"registration.given_name": "Once"}) == 1


def test_searches_and_the_queue_hold_only_the_clients_of_the_scope(db, repos):
    """The scope filters of services/intake/domain/access.py, run by MongoDB itself."""

    def at(minutes, **names):
        uow = MongoUnitOfWork(db, "intake")
        return handlers.register_client(registration(**names), "s", NOW + timedelta(minutes=minutes), uow, repos)

    older = at(0, given_name="Ann", family_name="Lee")
    newer = at(1, given_name="Ann", family_name="Lee-Moss")
    other = at(2, given_name="Anna", family_name="Lee")
    admitted = repos.clients.get(older.id)
    admitted.status = "admitted"
    uow = MongoUnitOfWork(db, "intake")
    repos.clients.save(admitted, uow)
    uow.commit()

    def ids(found):
        return [c.id for c in found[0]], found[1]

    assert ids(repos.clients.search("ann lee", Scope(ids=frozenset({other.id})))) == ([other.id], 1)
    assert ids(repos.clients.search("ann lee", Scope(not_admitted=True))) == ([other.id, newer.id], 2)
    assert ids(repos.clients.search("ann lee", Scope(ids=frozenset({older.id}), not_admitted=True))) == (
        [other.id, newer.id, older.id],
        3,
    )
    assert ids(repos.clients.search("ann lee", Scope())) == ([], 0)
    assert ids(repos.clients.search("ann lee", Scope(everyone=True), offset=1, limit=1)) == ([newer.id], 3)
    # A supervisor's scope: everyone but the clients treated outside their team.
    for client, clinician in ((older, "dr-team"), (newer, "dr-other"), (other, None)):
        uow = MongoUnitOfWork(db, "intake")
        repos.access.put_caseload(CaseloadEntry(client.id, f"e-{client.id}", clinician, NOW), uow)
        uow.commit()
    others = repos.access.treated_by_others(frozenset({"sup", "dr-team"}))
    assert others == {newer.id}
    closed = CaseloadEntry("closed-client", "e-closed", None, NOW, former_clinician_id="dr-other")
    uow = MongoUnitOfWork(db, "intake")
    repos.access.put_caseload(closed, uow)
    uow.commit()
    assert repos.access.treated_by_others(frozenset({"sup", "dr-team"})) == {newer.id, "closed-client"}
    assert repos.access.treated_by_others(frozenset({"sup", "dr-other"})) == {older.id}
    assert ids(repos.clients.search("ann lee", Scope(everyone=True, withheld=others))) == ([other.id, older.id], 2)
    born = older.registration.date_of_birth
    assert ids(repos.clients.with_identity([("ANN", "lee")], born, Scope(everyone=True))) == ([older.id], 1)
    assert ids(repos.clients.with_identity([("Ann", "Lee")], born, Scope(not_admitted=True))) == ([], 0)
    queue = [c.id for c in repos.clients.needing_attention(Scope(ids=frozenset({newer.id, older.id})))]
    assert queue == [newer.id]  # the admitted one has nothing left to do at intake
