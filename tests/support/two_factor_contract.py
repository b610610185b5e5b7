"""The second factor, one behaviour on two stores: the same checks run on MongoDB (integration) and in
memory (unit). Each check gets an account store with "kim" (intake) whose password is PASSWORD, the
clock it runs on (moved by hand), and a way to read the account's stored document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from shared import totp
from shared.auth import Principal
from shared.staff_sessions import StaffSession
from shared.users import SignIn

PASSWORD = "a long enough password"
HERE = "10.0.0.1"
Stored = Callable[[], dict[str, Any]]  # kim's account document as the store keeps it


def code_now(secret: str, clock, offset: int = 0) -> str:
    return totp.code_at(secret, totp.time_step(clock()) + offset)


def wrong_code(secret: str, clock) -> str:
    """Six digits that are none of the codes accepted now."""
    accepted = {code_now(secret, clock, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def turn_on(users, clock) -> str:
    """Sets up kim's second factor; returns the secret."""
    secret = users.enrolment("kim").secret
    assert users.confirm_enrolment("kim", code_now(secret, clock))
    clock.advance(seconds=30)  # the confirming code's step is used up
    return secret


def check_set_up_keeps_one_secret_until_a_code_confirms_it(users, clock, stored: Stored) -> None:
    first = users.enrolment("kim")
    assert users.enrolment("kim") == first, "reloading the page shows the secret already scanned"
    assert first.uri.startswith("otpauth://totp/") and first.secret in first.uri
    assert not users.has_two_factor("kim")
    assert not users.confirm_enrolment("kim", wrong_code(first.secret, clock))
    assert users.sign_in("kim", PASSWORD, HERE).principal == Principal("kim", "intake"), "off until confirmed"
    assert users.confirm_enrolment("kim", code_now(first.secret, clock))
    doc = stored()
    assert doc["totp_secret"] == first.secret and not doc.get("totp_pending_secret")
    assert users.has_two_factor("kim") and users.get("kim")["two_factor"] is True


def check_with_the_factor_on_a_password_alone_signs_nobody_in(users, clock, stored: Stored) -> None:
    secret = turn_on(users, clock)
    halfway = users.sign_in("kim", PASSWORD, HERE)
    assert halfway == SignIn(None, second_factor=True, role="intake")
    assert users.sign_in_with_code("kim", code_now(secret, clock), HERE).principal == Principal("kim", "intake")
    assert stored()["last_login"] is not None


def check_a_code_works_once_and_one_step_of_drift_is_allowed(users, clock, stored: Stored) -> None:
    secret = turn_on(users, clock)
    code = code_now(secret, clock)
    assert users.sign_in_with_code("kim", code, HERE).principal is not None
    assert users.sign_in_with_code("kim", code, HERE).principal is None, "the same code again is refused"
    clock.advance(seconds=30)
    assert users.sign_in_with_code("kim", code_now(secret, clock, -1), HERE).principal is None, "an earlier step"
    assert users.sign_in_with_code("kim", code_now(secret, clock, +1), HERE).principal is not None, "a fast phone"
    clock.advance(seconds=90)
    assert users.sign_in_with_code("kim", code_now(secret, clock, -2), HERE).principal is None, "too far behind"


def check_two_requests_racing_with_one_code_sign_in_once(users, clock, stored: Stored) -> None:
    secret = turn_on(users, clock)
    code = code_now(secret, clock)
    seen_before = users._load("kim")  # what the slower request read, before the faster one signed in
    assert users.sign_in_with_code("kim", code, HERE).principal is not None
    users._load = lambda name: dict(seen_before)  # the slower request goes on with what it read
    assert users.sign_in_with_code("kim", code, HERE).principal is None, "the store claims each step once"


def check_wrong_codes_slow_down_like_wrong_passwords(users, clock, stored: Stored) -> None:
    secret = turn_on(users, clock)
    wrong = wrong_code(secret, clock)
    for expected_wait in (0, 0, 1):
        assert users.sign_in("kim", PASSWORD, HERE).second_factor, "a right password forgets no failure"
        assert users.sign_in_with_code("kim", wrong, HERE) == SignIn(None, expected_wait)
    refused = users.sign_in_with_code("kim", code_now(secret, clock), HERE)
    assert refused.throttled and refused.retry_after == 1, "unheard while the wait runs, right code or not"
    clock.advance(seconds=1)
    assert users.sign_in_with_code("kim", code_now(secret, clock), HERE).principal is not None


def check_turning_off_needs_the_password_and_a_current_code(users, clock, stored: Stored) -> None:
    secret = turn_on(users, clock)
    assert users.turn_off_two_factor("kim", "wrong password", code_now(secret, clock), HERE).principal is None
    assert users.turn_off_two_factor("kim", PASSWORD, "", HERE).principal is None
    assert users.has_two_factor("kim")
    assert users.turn_off_two_factor("kim", PASSWORD, code_now(secret, clock), HERE).principal is not None
    assert not users.has_two_factor("kim") and not stored().get("totp_secret")
    assert users.sign_in("kim", PASSWORD, HERE).principal is not None


def check_an_administrator_reset_turns_it_off_and_a_new_secret_follows(users, clock, stored: Stored) -> None:
    secret = turn_on(users, clock)
    token, _session = users.sessions.start("kim", "intake")
    assert users.reset_two_factor("kim") is True
    assert users.sessions.of("kim") == [], "a lost phone may be signed in still: its sessions end"
    assert not isinstance(users.sessions.resume(token), StaffSession)
    assert users.reset_two_factor("kim") is False, "already off"
    assert users.sign_in("kim", PASSWORD, HERE).principal == Principal("kim", "intake")
    assert users.enrolment("kim").secret != secret, "setting up again gives a new secret"


def check_listings_show_whether_it_is_on_and_never_a_secret(users, clock, stored: Stored) -> None:
    secret = turn_on(users, clock)
    users.add("lee", "clinician", PASSWORD)
    pending = users.enrolment("lee").secret
    listed = {user["username"]: user for user in users.list()}
    assert listed["kim"]["two_factor"] is True and listed["lee"]["two_factor"] is False
    shown = json.dumps([users.list(), users.get("kim")], default=str)
    assert secret not in shown and pending not in shown and "totp" not in shown


CHECKS = [
    check_set_up_keeps_one_secret_until_a_code_confirms_it,
    check_with_the_factor_on_a_password_alone_signs_nobody_in,
    check_a_code_works_once_and_one_step_of_drift_is_allowed,
    check_two_requests_racing_with_one_code_sign_in_once,
    check_wrong_codes_slow_down_like_wrong_passwords,
    check_turning_off_needs_the_password_and_a_current_code,
    check_an_administrator_reset_turns_it_off_and_a_new_secret_follows,
    check_listings_show_whether_it_is_on_and_never_a_secret,
]
