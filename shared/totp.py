"""Time-based one-time codes (RFC 6238) for the staff second factor: pure, the time passed in.

What authenticator apps all understand: a base32 secret, 30-second steps, 6 digits, HMAC-SHA-1.
A code is accepted for the current step and one step either side (a phone's clock may drift by
up to 30 seconds), and only for a step later than the last one used, so a code seen over a
shoulder or typed twice cannot be used again.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime
from urllib.parse import quote, urlencode

import pyotp

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "IPT staff"
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA-1
_SEPARATORS = re.compile(r"[\s-]")


def new_secret() -> str:
    """A fresh random base32 secret (32 characters)."""
    return pyotp.random_base32(length=SECRET_BYTES * 8 // 5)


def time_step(now: datetime) -> int:
    """The number of the 30-second step `now` falls in (Unix time // 30)."""
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    """The code an authenticator app shows during `step`."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(step * STEP_SECONDS)


def normalise_code(typed: str) -> str | None:
    """Six digits, spaces or a dash between groups allowed ("123 456"); None for anything else."""
    code = _SEPARATORS.sub("", typed or "")
    return code if len(code) == DIGITS and code.isascii() and code.isdigit() else None


def matching_step(secret: str, typed: str, now: datetime, last_used_step: int | None = None) -> int | None:
    """The step whose code was typed, within the allowed drift and later than the last one used; else None.

    Every candidate is compared (in constant time) so how long this takes says nothing about which one matched.
    """
    code = normalise_code(typed)
    if code is None or not secret:
        return None
    current = time_step(now)
    found: int | None = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code) and found is None:
            found = step
    if found is None or (last_used_step is not None and found <= last_used_step):
        return None
    return found


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    """The `otpauth://` address an authenticator app reads from the QR code (or typed in by hand)."""
    label = quote(f"{issuer}:{username}", safe="@:")
    parameters = {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    return f"otpauth://totp/{label}?{urlencode(parameters, quote_via=quote)}"


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to read out and type: "ABCD EFGH …"."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
