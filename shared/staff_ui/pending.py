"""A sign-in half done: the password was right, and a code (or setting up the second factor) must follow.

Kept in Flask's signed cookie-session of this browser, which only this service can have signed:
the account's name and role, what must come next, and when it stops counting (5 minutes after the
password). It grants nothing by itself: the code page still needs a current, unused code, and a
session starts only after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import session

PENDING_KEY = "pending_sign_in"
PENDING_FOR = timedelta(minutes=5)
CODE = "code"  # the account has a second factor: type its current code
ENROL = "enrol"  # the account's role needs one and it has none: set it up first


@dataclass(frozen=True)
class PendingSignIn:
    username: str
    role: str
    stage: str
    until: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.until


def begin(username: str, role: str, stage: str, now: datetime) -> None:
    """Remembers in this browser that the password was right; replaces any earlier half-done sign-in."""
    session[PENDING_KEY] = {
        "username": username,
        "role": role,
        "stage": stage,
        "until": (now + PENDING_FOR).timestamp(),
    }


def current(stage: str) -> PendingSignIn | None:
    """This browser's half-done sign-in at `stage` (expired or not), or None."""
    raw: Any = session.get(PENDING_KEY)
    if not isinstance(raw, dict) or raw.get("stage") != stage:
        return None
    try:
        return PendingSignIn(
            username=str(raw["username"]),
            role=str(raw["role"]),
            stage=stage,
            until=datetime.fromtimestamp(float(raw["until"]), tz=UTC),
        )
    except (KeyError, TypeError, ValueError):
        return None


def forget() -> None:
    session.pop(PENDING_KEY, None)
