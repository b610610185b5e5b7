"""Bearer tokens: what a valid token carries, and every way a token can be rejected."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from shared.auth import ALGORITHM, ISSUER, ROLES, InvalidToken, Principal, decode_token, issue_token
from shared.envelope import utcnow


def signed(secret: str, **claims) -> str:
    base = {"sub": "user-1", "role": "intake", "iss": ISSUER, "exp": utcnow() + timedelta(minutes=5)}
    return jwt.encode({k: v for k, v in {**base, **claims}.items() if v is not None}, secret, algorithm=ALGORITHM)


@pytest.mark.parametrize("role", ROLES)
def test_issue_then_decode_round_trip(secret, role):
    assert decode_token(secret, issue_token(secret, "user-7", role)) == Principal(sub="user-7", role=role)


def test_expired_token_is_rejected(secret):
    token = issue_token(secret, "user-1", "intake", ttl=timedelta(seconds=-1))
    with pytest.raises(InvalidToken, match="expired"):
        decode_token(secret, token)


def test_wrong_secret_is_rejected(secret):
    with pytest.raises(InvalidToken):
        decode_token(secret, issue_token("another-secret-of-sufficient-length!!", "user-1", "intake"))


def test_unknown_role_is_rejected(secret):
    with pytest.raises(InvalidToken, match="unknown role"):
        decode_token(secret, signed(secret, role="janitor"))


@pytest.mark.parametrize("missing", ["sub", "role", "exp"])
def test_token_missing_a_required_claim_is_rejected(secret, missing):
    with pytest.raises(InvalidToken, match=missing):
        decode_token(secret, signed(secret, **{missing: None}))


def test_wrong_issuer_is_rejected(secret):
    with pytest.raises(InvalidToken):
        decode_token(secret, signed(secret, iss="someone-else"))


def test_unsigned_token_is_rejected(secret):
    token = jwt.encode(
        {"sub": "u", "role": "admin", "iss": ISSUER, "exp": utcnow() + timedelta(minutes=5)}, None, algorithm="none"
    )
    with pytest.raises(InvalidToken):
        decode_token(secret, token)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_garbage_is_rejected(secret, token):
    with pytest.raises(InvalidToken):
        decode_token(secret, token)


def test_issuing_refuses_unknown_role_and_empty_sub(secret):
    with pytest.raises(ValueError, match="role"):
        issue_token(secret, "user-1", "janitor")
    with pytest.raises(ValueError, match="sub"):
        issue_token(secret, "", "intake")
