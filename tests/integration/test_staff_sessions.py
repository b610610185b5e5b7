"""Staff UI sessions on the real database: the same contract as the in-memory store, the TTL index,
and accounts ending their sessions when disabled (never because of failed sign-ins)."""

from __future__ import annotations

import pytest

from shared.staff_sessions import COLLECTION, Ended, StaffSession, StaffSessionStore
from shared.users import UserStore
from tests.support.staff_sessions_contract import CHECKS, MovableClock

PASSWORD = "integration-password-1"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_mongodb_sessions_meet_the_session_contract(db, clock, check):
    store = StaffSessionStore(db, clock=clock)
    check(store, clock, lambda: list(db[COLLECTION].find()))


def test_sessions_expire_by_a_ttl_index_on_the_absolute_expiry(db, clock):
    store = StaffSessionStore(db, clock=clock)
    store.start("kim", "intake")
    indexes = {index["name"]: index for index in db[COLLECTION].list_indexes()}
    ttl = indexes["expires_at_ttl"]
    assert dict(ttl["key"]) == {"expires_at": 1} and ttl["expireAfterSeconds"] == 0
    assert dict(indexes["username"]["key"]) == {"username": 1}


@pytest.fixture
def users(db, clock) -> UserStore:
    # A cheap hash keeps the test fast; the sessions are the store's own, on the same database.
    store = UserStore(db, clock=clock, hash_method="pbkdf2:sha256:1000")
    store.add("kim", "intake", PASSWORD)
    store.add("lee", "clinician", PASSWORD)
    return store


def test_disabling_an_account_ends_its_sessions_in_the_database(db, users):
    kims = [users.sessions.start("kim", "intake")[0] for _ in range(2)]
    lee, _ = users.sessions.start("lee", "clinician")
    assert users.disable("kim") == 2
    assert db[COLLECTION].count_documents({"username": "kim"}) == 0
    assert [users.sessions.resume(token) for token in kims] == [Ended.MISSING, Ended.MISSING]
    assert isinstance(users.sessions.resume(lee, account_active=users.is_active), StaffSession)


def test_failed_sign_ins_elsewhere_leave_the_owners_session_in_the_database(db, users):
    token, _ = users.sessions.start("kim", "intake")
    for _ in range(10):
        assert users.verify("kim", "wrong password") is None
    assert users.is_active("kim", "intake")
    assert isinstance(users.sessions.resume(token, account_active=users.is_active), StaffSession)
    assert db[COLLECTION].count_documents({"username": "kim"}) == 1
