"""One behaviour, two stores: the staff-session checks run on MongoDB (integration) and in memory (unit).

Each check gets a store on a clock the test moves by hand (no sleeping), and `stored()`, the raw
documents the store holds, to prove what is (and is not) kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.staff_sessions import IDLE_TIMEOUT, MAX_AGE, TOUCH_INTERVAL, Ended, StaffSession, StaffSessions

Stored = Callable[[], list[dict[str, Any]]]


class MovableClock:
    """Starts at the real time (whole seconds: MongoDB keeps milliseconds), so a TTL monitor on the
    real database never removes a session a check still expects; then moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def check_a_started_session_resumes_with_what_it_holds(store: StaffSessions, clock: MovableClock, stored: Stored):
    token, started = store.start("kim", "intake")
    resumed = store.resume(token)
    assert isinstance(resumed, StaffSession)
    assert resumed == started
    assert (resumed.username, resumed.role, resumed.login_at, resumed.last_seen) == (
        "kim",
        "intake",
        clock.now,
        clock.now,
    )
    assert resumed.expires_at == clock.now + MAX_AGE
    assert len(resumed.csrf) >= 40 and resumed.csrf != token
    other_token, other = store.start("kim", "intake")
    assert other_token != token and other.csrf != started.csrf, "each session has its own token and CSRF token"


def check_unknown_or_malformed_tokens_are_refused(store: StaffSessions, clock: MovableClock, stored: Stored):
    token, _ = store.start("kim", "intake")
    assert store.resume("") is Ended.MISSING
    assert store.resume(token + "x") is Ended.MISSING
    assert store.resume("x" * 10_000) is Ended.MISSING
    assert store.resume(hashlib.sha256(token.encode()).hexdigest()) is Ended.MISSING, "the stored hash is no token"
    assert isinstance(store.resume(token), StaffSession)


def check_only_a_hash_of_the_token_is_stored(store: StaffSessions, clock: MovableClock, stored: Stored):
    token, session = store.start("kim", "intake")
    [doc] = stored()
    assert doc["_id"] == hashlib.sha256(token.encode()).hexdigest() == session.token_hash
    assert token not in json.dumps(doc, default=str)
    assert set(doc) == {"_id", "username", "role", "csrf", "login_at", "last_seen", "expires_at"}
    assert doc["expires_at"] == doc["login_at"] + MAX_AGE  # what the TTL index clears on


def check_signing_out_ends_only_that_session(store: StaffSessions, clock: MovableClock, stored: Stored):
    token, _ = store.start("kim", "intake")
    other, _ = store.start("kim", "intake")
    store.end(token)
    assert store.resume(token) is Ended.MISSING
    store.end(token)  # a second sign-out is no error
    store.end("")
    assert isinstance(store.resume(other), StaffSession)
    assert len(stored()) == 1


def check_ending_an_accounts_sessions_ends_all_of_them_and_no_other(
    store: StaffSessions, clock: MovableClock, stored: Stored
):
    kims = [store.start("kim", "intake")[0] for _ in range(2)]
    lee, _ = store.start("lee", "clinician")
    assert [s.username for s in store.of("kim")] == ["kim", "kim"]
    assert store.end_all("kim") == 2
    assert [store.resume(token) for token in kims] == [Ended.MISSING, Ended.MISSING]
    assert store.of("kim") == []
    assert isinstance(store.resume(lee), StaffSession)
    assert store.end_all("nobody") == 0


def check_fifteen_idle_minutes_end_the_session_for_good(store: StaffSessions, clock: MovableClock, stored: Stored):
    token, _ = store.start("kim", "intake")
    clock.advance(minutes=15)
    assert isinstance(store.resume(token), StaffSession), "exactly 15 idle minutes are still allowed"
    clock.advance(minutes=15, seconds=1)
    assert store.resume(token) is Ended.IDLE
    assert stored() == [], "an idle session is deleted, not just refused"
    clock.now -= timedelta(minutes=20)
    assert store.resume(token) is Ended.MISSING, "a replayed token stays refused, whatever the time"


def check_activity_renews_the_session_but_never_past_twelve_hours(
    store: StaffSessions, clock: MovableClock, stored: Stored
):
    token, started = store.start("kim", "intake")
    while clock.now + timedelta(minutes=14) <= started.login_at + MAX_AGE:
        clock.advance(minutes=14)
        assert isinstance(store.resume(token), StaffSession)
    clock.now = started.login_at + MAX_AGE + timedelta(seconds=1)
    assert store.resume(token) is Ended.EXPIRED
    assert store.resume(token) is Ended.MISSING
    assert stored() == []


def check_last_seen_is_written_at_most_every_thirty_seconds(store: StaffSessions, clock: MovableClock, stored: Stored):
    token, started = store.start("kim", "intake")
    clock.advance(seconds=10)
    resumed = store.resume(token)
    assert isinstance(resumed, StaffSession) and resumed.last_seen == started.login_at
    assert [doc["last_seen"] for doc in stored()] == [started.login_at]
    # Idle time counts from the last write: the session may end up to 30 s early, never late.
    clock.now = started.login_at + IDLE_TIMEOUT + timedelta(seconds=1)
    assert store.resume(token) is Ended.IDLE

    token, started = store.start("kim", "intake")
    clock.advance(seconds=TOUCH_INTERVAL.total_seconds())
    resumed = store.resume(token)
    assert isinstance(resumed, StaffSession) and resumed.last_seen == clock.now
    assert [doc["last_seen"] for doc in stored()] == [clock.now]


def check_an_account_that_may_no_longer_sign_in_loses_every_session(
    store: StaffSessions, clock: MovableClock, stored: Stored
):
    token, _ = store.start("kim", "intake")
    other, _ = store.start("kim", "intake")
    asked: list[tuple[str, str]] = []

    def active(username: str, role: str) -> bool:
        asked.append((username, role))
        return False

    assert store.resume(token, account_active=active) is Ended.ACCOUNT
    assert asked == [("kim", "intake")]
    assert store.resume(other) is Ended.MISSING
    assert isinstance(store.resume(store.start("kim", "intake")[0], account_active=lambda u, r: True), StaffSession)


CHECKS = (
    check_a_started_session_resumes_with_what_it_holds,
    check_unknown_or_malformed_tokens_are_refused,
    check_only_a_hash_of_the_token_is_stored,
    check_signing_out_ends_only_that_session,
    check_ending_an_accounts_sessions_ends_all_of_them_and_no_other,
    check_fifteen_idle_minutes_end_the_session_for_good,
    check_activity_renews_the_session_but_never_past_twelve_hours,
    check_last_seen_is_written_at_most_every_thirty_seconds,
    check_an_account_that_may_no_longer_sign_in_loses_every_session,
)
