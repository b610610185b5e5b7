"""Server-side staff UI sessions (shared/staff_sessions.py) in memory, and how accounts end them."""

from __future__ import annotations

import argparse
import json

import pytest

from shared import cli_users
from shared.staff_sessions import Ended, InMemoryStaffSessionStore, StaffSession
from shared.users import InMemoryUserStore
from tests.support.staff_sessions_contract import CHECKS, MovableClock

PASSWORD = "a long enough password"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_in_memory_sessions_meet_the_session_contract(clock, check):
    store = InMemoryStaffSessionStore(clock=clock)
    check(store, clock, lambda: list(store.documents.values()))


@pytest.fixture
def users(clock: MovableClock) -> InMemoryUserStore:
    store = InMemoryUserStore(clock=clock)
    store.add("kim", "intake", PASSWORD)
    store.add("lee", "clinician", PASSWORD)
    return store


def test_an_account_store_keeps_its_sessions_on_its_own_clock(users, clock):
    token, _ = users.sessions.start("kim", "intake")
    clock.advance(minutes=15, seconds=1)
    assert users.sessions.resume(token) is Ended.IDLE


def test_disabling_an_account_ends_its_sessions_at_once(users):
    kims = [users.sessions.start("kim", "intake")[0] for _ in range(2)]
    lee, _ = users.sessions.start("lee", "clinician")
    assert users.disable(" KIM ") == 2
    assert users.sessions.of("kim") == []
    assert [users.sessions.resume(token) for token in kims] == [Ended.MISSING, Ended.MISSING]
    assert isinstance(users.sessions.resume(lee, account_active=users.is_active), StaffSession)


def test_failed_sign_ins_end_no_session_and_lock_no_account(users, clock):
    token, _ = users.sessions.start("kim", "intake")
    for _ in range(20):
        assert users.verify("kim", "wrong password") is None
    assert users.is_active("kim", "intake")
    assert isinstance(users.sessions.resume(token, account_active=users.is_active), StaffSession)


def test_ipt_user_disable_ends_the_accounts_sessions(monkeypatch, capsys, users):
    monkeypatch.setattr(cli_users, "_store", lambda: users)
    token, _ = users.sessions.start("kim", "intake")
    parser = argparse.ArgumentParser(prog="ipt")
    cli_users.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["user", "disable", "--username", "kim"])
    assert args.run(args) == 0
    assert json.loads(capsys.readouterr().out) == {"username": "kim", "disabled": True, "sessions_ended": 1}
    assert users.sessions.resume(token) is Ended.MISSING
