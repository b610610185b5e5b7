"""One-time codes (shared/totp.py): RFC 6238 with SHA-1, 30-second steps, 6 digits; drift and replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from shared import totp

# RFC 6238 appendix B: the SHA-1 test key, and its 8-digit codes cut to the 6 digits apps show.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
RFC_VECTORS = [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = datetime(2025, 5, 1, 9, 0, 10, tzinfo=UTC)


@pytest.mark.parametrize("unix, code", RFC_VECTORS)
def test_codes_are_those_of_rfc_6238_with_sha1(unix, code):
    moment = datetime.fromtimestamp(unix, tz=UTC)
    assert totp.code_at(RFC_SECRET, totp.time_step(moment)) == code
    assert totp.matching_step(RFC_SECRET, code, moment) == totp.time_step(moment)


def test_one_step_of_drift_either_way_is_accepted_and_no_more():
    step = totp.time_step(NOW)
    for offset in (-1, 0, 1):
        assert totp.matching_step(SECRET, totp.code_at(SECRET, step + offset), NOW) == step + offset
    for offset in (-2, 2):
        assert totp.matching_step(SECRET, totp.code_at(SECRET, step + offset), NOW) is None


def test_a_code_of_a_step_already_used_or_earlier_is_refused():
    step = totp.time_step(NOW)
    code = totp.code_at(SECRET, step)
    assert totp.matching_step(SECRET, code, NOW, last_used_step=step - 1) == step
    assert totp.matching_step(SECRET, code, NOW, last_used_step=step) is None
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step - 1), NOW, last_used_step=step) is None
    later = NOW + timedelta(seconds=30)
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step + 1), later, last_used_step=step) == step + 1


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("123456", "123456"),
        (" 123 456 ", "123456"),
        ("123-456", "123456"),
        ("12345", None),
        ("1234567", None),
        ("12345a", None),
        ("١٢٣٤٥٦", None),
        ("", None),
    ],
)
def test_codes_are_six_ascii_digits_spaces_allowed(typed, expected):
    assert totp.normalise_code(typed) == expected


def test_a_spaced_code_still_matches_and_a_wrong_one_does_not():
    step = totp.time_step(NOW)
    code = totp.code_at(SECRET, step)
    assert totp.matching_step(SECRET, f"{code[:3]} {code[3:]}", NOW) == step
    valid = {totp.code_at(SECRET, step + offset) for offset in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    assert totp.matching_step(SECRET, wrong, NOW) is None


def test_new_secrets_are_random_160_bit_base32():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second and len(first) == 32 and set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_the_provisioning_uri_names_the_issuer_account_and_parameters():
    uri = totp.provisioning_uri(SECRET, "dr.lee@clinic")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parts.path == "/IPT%20staff:dr.lee@clinic"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query == {"secret": SECRET, "issuer": "IPT staff", "algorithm": "SHA1", "digits": "6", "period": "30"}


def test_the_secret_is_shown_in_groups_of_four():
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"
