"""The staff second factor in the in-memory account store: the contract MongoDB meets too."""

from __future__ import annotations

import pytest

from shared.users import InMemoryUserStore
from tests.support.staff_sessions_contract import MovableClock
from tests.support.two_factor_contract import CHECKS, PASSWORD


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_in_memory_accounts_meet_the_two_factor_contract(check):
    clock = MovableClock()
    users = InMemoryUserStore(clock=clock)
    users.add("kim", "intake", PASSWORD)
    check(users, clock, lambda: dict(users.users["kim"]))
