"""The staff second factor on the real database: the same contract as in memory, and a code claimed
once across processes (two stores on one database stand for two services' web workers)."""

from __future__ import annotations

import pytest

from shared.users import COLLECTION, UserStore
from tests.support.staff_sessions_contract import MovableClock
from tests.support.two_factor_contract import CHECKS, HERE, PASSWORD, code_now, turn_on


def store(db, clock) -> UserStore:
    return UserStore(db, clock=clock, hash_method="pbkdf2:sha256:1000")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_mongodb_accounts_meet_the_two_factor_contract(db, check):
    clock = MovableClock()
    users = store(db, clock)
    users.add("kim", "intake", PASSWORD)
    check(users, clock, lambda: db[COLLECTION].find_one({"username": "kim"}))


def test_a_code_used_by_one_process_is_refused_by_another(db):
    clock = MovableClock()
    intake, sessions = store(db, clock), store(db, clock)
    intake.add("kim", "intake", PASSWORD)
    secret = turn_on(intake, clock)
    code = code_now(secret, clock)
    assert intake.sign_in_with_code("kim", code, HERE).principal is not None
    assert sessions.sign_in_with_code("kim", code, HERE).principal is None
