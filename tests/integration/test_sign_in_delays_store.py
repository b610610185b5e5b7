"""Sign-in delays on the real database: the same contract as in memory, shared by every process
(two stores on one database stand for two services' web workers), and forgotten by a TTL index."""

from __future__ import annotations

import json

import pytest

from shared.users import FAILURES_COLLECTION, UserStore
from tests.support.sign_in_contract import CHECKS, HERE, PASSWORD
from tests.support.staff_sessions_contract import MovableClock


def store(db, clock) -> UserStore:
    return UserStore(db, clock=clock, hash_method="pbkdf2:sha256:1000")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_mongodb_accounts_meet_the_sign_in_contract(db, check):
    clock = MovableClock()
    users = store(db, clock)
    users.add("kim", "intake", PASSWORD)
    check(users, clock, lambda: json.dumps(list(db[FAILURES_COLLECTION].find()), default=str))


def test_failures_seen_by_one_process_slow_the_next_attempt_in_another(db):
    clock = MovableClock()
    intake, sessions = store(db, clock), store(db, clock)
    intake.add("kim", "intake", PASSWORD)
    for _ in range(3):
        intake.sign_in("kim", "wrong password", HERE)
    assert sessions.sign_in("kim", PASSWORD, HERE).throttled
    indexes = {index["name"]: index for index in db[FAILURES_COLLECTION].list_indexes()}
    assert dict(indexes["expires_at_ttl"]["key"]) == {"expires_at": 1}
