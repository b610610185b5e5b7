"""Staff sign-in: progressive delays per account, address and pair instead of a lockout (in memory)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from shared import sign_in_throttle as throttle
from shared.users import InMemoryUserStore
from tests.support.sign_in_contract import CHECKS, PASSWORD
from tests.support.staff_sessions_contract import MovableClock


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_in_memory_accounts_meet_the_sign_in_contract(check):
    clock = MovableClock()
    users = InMemoryUserStore(clock=clock)
    users.add("kim", "intake", PASSWORD)
    check(users, clock, lambda: json.dumps({k: [v.count, str(v.last)] for k, v in users.failures.items()}))


@pytest.mark.parametrize(
    "kind, failures, seconds",
    [
        ("pair", 2, 0),
        ("pair", 3, 1),
        ("pair", 4, 2),
        ("pair", 12, 512),
        ("pair", 13, 900),
        ("pair", 10_000, 900),
        ("address", 9, 0),
        ("address", 10, 1),
        ("account", 4, 0),
        ("account", 5, 1),
        ("account", 11, 60),
    ],
)
def test_delays_double_from_one_second_to_each_limit(kind, failures, seconds):
    assert throttle.delay(throttle.LIMITS[kind], failures) == timedelta(seconds=seconds)


def test_the_wait_runs_from_the_last_failure_and_an_hour_forgets_it():
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    recent = throttle.Failures(count=5, last=now - timedelta(seconds=1))  # pair: 4 s after the last
    assert throttle.wait("pair", recent, now) == timedelta(seconds=3)
    assert throttle.retry_after({"pair": recent, "account": None}, now) == 3
    old = throttle.Failures(count=50, last=now - timedelta(hours=1))
    assert throttle.current(old, now) == 0 and throttle.wait("pair", old, now) == timedelta(0)


def test_counters_are_keyed_by_hashes_of_what_was_typed():
    keys = throttle.keys("kim", "10.0.0.1")
    assert set(keys) == {"account", "address", "pair"} and all(len(k) == 64 for k in keys.values())
    assert throttle.keys("kim", None) == {"account": keys["account"]}
    assert throttle.key("pair", "kim", "10.0.0.1") != throttle.key("pair", "kim10.0.0.1", "")
