"""Sign-in delays, one behaviour on two stores: the same checks run on MongoDB (integration) and in
memory (unit). Each check gets an account store with "kim" (intake) whose password is PASSWORD, the
clock it runs on, and a way to read what the store keeps of failures."""

from __future__ import annotations

from collections.abc import Callable

from shared.staff_sessions import StaffSession
from shared.users import SignIn

PASSWORD = "a long enough password"
HERE, THERE = "10.0.0.1", "10.0.0.2"
Stored = Callable[[], str]  # everything the store keeps of failures, as text


def check_three_free_attempts_then_doubling_waits_heard_by_nobody(users, clock, stored: Stored) -> None:
    for _ in range(2):
        assert users.sign_in("kim", "wrong password", HERE) == SignIn(None, 0)
    assert users.sign_in("kim", "wrong password", HERE) == SignIn(None, 1)  # the third: wait 1 s
    refused = users.sign_in("kim", PASSWORD, HERE)
    assert refused.throttled and refused.principal is None, "unheard while the wait runs, right password or not"
    clock.advance(seconds=1)
    assert users.sign_in("kim", "wrong password", HERE) == SignIn(None, 2)
    clock.advance(seconds=2)
    assert users.sign_in("kim", "wrong password", HERE) == SignIn(None, 4)
    clock.advance(seconds=4)
    assert users.sign_in("kim", PASSWORD, HERE).principal is not None


def check_a_guesser_elsewhere_never_keeps_the_owner_out_for_long(users, clock, stored: Stored) -> None:
    for _ in range(40):  # a patient guesser, waiting out each delay
        attempt = users.sign_in("kim", "guess", THERE)
        clock.advance(seconds=attempt.retry_after)
    assert users.sign_in("kim", "guess", THERE).retry_after == 15 * 60  # the guesser's own address: 15 minutes
    owner = users.sign_in("kim", PASSWORD, HERE)
    assert owner.throttled and owner.retry_after <= 60, "the account is slowed to a try a minute, no more"
    clock.advance(seconds=owner.retry_after)
    assert users.sign_in("kim", PASSWORD, HERE).principal is not None
    assert users.sign_in("kim", PASSWORD, THERE).throttled, "the guesser's address still waits"


def check_one_address_guessing_many_accounts_is_slowed(users, clock, stored: Stored) -> None:
    for index in range(10):
        users.sign_in(f"someone{index}", "guess", THERE)
    assert users.sign_in("kim", PASSWORD, THERE).throttled
    assert users.sign_in("kim", PASSWORD, HERE).principal is not None


def check_a_success_forgets_the_accounts_failures_and_an_hour_forgets_all(users, clock, stored: Stored) -> None:
    for _ in range(2):
        users.sign_in("kim", "wrong password", HERE)
    assert users.sign_in("kim", PASSWORD, HERE).principal is not None
    assert users.sign_in("kim", "wrong password", HERE) == SignIn(None, 0), "counting starts again"
    for _ in range(3):
        users.sign_in("kim", "wrong password", HERE)
    assert users.sign_in("kim", PASSWORD, HERE).throttled
    clock.advance(hours=1)
    assert users.sign_in("kim", "wrong password", HERE) == SignIn(None, 0), "forgotten an hour after the last"
    assert users.sign_in("kim", PASSWORD, HERE).principal is not None


def check_unknown_names_are_counted_alike_and_nothing_typed_is_kept(users, clock, stored: Stored) -> None:
    typed = "my-secret-password-in-the-wrong-box"
    answers = [users.sign_in(name, "guess", HERE) for name in (typed, typed, typed)]
    known = [users.sign_in("kim", "guess", THERE) for _ in range(3)]
    assert [a.retry_after for a in answers] == [a.retry_after for a in known] == [0, 0, 1]
    kept = stored()
    assert kept and typed not in kept and HERE not in kept and "kim" not in kept


def check_failures_end_no_session_and_leave_the_account_active(users, clock, stored: Stored) -> None:
    token, _ = users.sessions.start("kim", "intake")
    for _ in range(20):
        users.sign_in("kim", "guess", THERE)
    assert users.is_active("kim", "intake")
    assert isinstance(users.sessions.resume(token, account_active=users.is_active), StaffSession)


CHECKS = [
    check_three_free_attempts_then_doubling_waits_heard_by_nobody,
    check_a_guesser_elsewhere_never_keeps_the_owner_out_for_long,
    check_one_address_guessing_many_accounts_is_slowed,
    check_a_success_forgets_the_accounts_failures_and_an_hour_forgets_all,
    check_unknown_names_are_counted_alike_and_nothing_typed_is_kept,
    check_failures_end_no_session_and_leave_the_account_active,
]
