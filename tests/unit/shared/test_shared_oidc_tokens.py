"""Bearer tokens of an outside OpenID Connect issuer beside our own: keys from a JWKS served by an
injected fetcher (no network), issuer, audience, times, algorithms, roles, and what the API answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from services.intake.bootstrap import create_app, fake_dependencies
from shared.auth import CALENDAR_SCOPE, ISSUER, TOKENS_KEY, InvalidToken, Principal, TokenVerifier, issue_token
from shared.config import Settings
from shared.envelope import utcnow
from shared.oidc import (
    RETRY_AFTER_FAILED_FETCH_SECONDS,
    UNKNOWN_KEY_REFETCH_SECONDS,
    KeysUnavailable,
    OidcTokens,
    RoleMissing,
)

SECRET = "oidc-test-secret-that-is-long-enough-for-hs256"
OUTSIDE = "https://id.example.org/realms/clinic"
JWKS_URL = f"{OUTSIDE}/protocol/openid-connect/certs"
AUDIENCE = "ipt-api"
OIDC_ENV = {
    "OIDC_ISSUER": OUTSIDE,
    "OIDC_AUDIENCE": AUDIENCE,
    "OIDC_JWKS_URL": JWKS_URL,
    "OIDC_ROLE_CLAIM": "realm_access.roles",
}
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ROTATED_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(private_key: Any, kid: str) -> dict[str, Any]:
    encoder = RSAAlgorithm if isinstance(private_key, rsa.RSAPrivateKey) else ECAlgorithm
    return {**encoder.to_jwk(private_key.public_key(), as_dict=True), "kid": kid, "use": "sig"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Issuer:
    """The outside issuer as the fetcher sees it: documents by URL, every fetch counted."""

    def __init__(self, *keys: dict[str, Any]) -> None:
        self.documents: dict[str, Any] = {JWKS_URL: {"keys": list(keys)}}
        self.fetched: list[str] = []
        self.down = False

    def __call__(self, url: str) -> Any:
        self.fetched.append(url)
        if self.down:
            raise OSError("connection refused")
        return self.documents[url]


def claims(**overrides: Any) -> dict[str, Any]:
    now = utcnow()
    base = {
        "iss": OUTSIDE,
        "aud": [AUDIENCE, "account"],
        "sub": "f3b1c2d4-0000-4000-8000-000000000001",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "realm_access": {"roles": ["offline_access", "clinician", "ops"]},
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def rs256(kid: str = "rsa-1", key: Any = RSA_KEY, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers={"kid": kid})


def forged_hs256(secret: bytes, kid: str = "rsa-1", **overrides: Any) -> str:
    """An HS256 token keyed with `secret` by hand: PyJWT itself refuses a PEM key as an HMAC secret."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data, default=str).encode()).rstrip(b"=").decode()

    body = {k: int(v.timestamp()) if hasattr(v, "timestamp") else v for k, v in claims(**overrides).items()}
    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{part(body)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def verifier_for(issuer: Issuer, clock: Clock | None = None, **env: str) -> TokenVerifier:
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, **OIDC_ENV, **env})
    assert settings.oidc is not None
    return TokenVerifier(
        secret=settings.jwt_secret,
        local_tokens=settings.local_tokens,
        oidc=OidcTokens(settings.oidc, issuer, clock or Clock()),
    )


@pytest.fixture
def issuer() -> Issuer:
    return Issuer(public_jwk(RSA_KEY, "rsa-1"), public_jwk(EC_KEY, "ec-1"))


def test_a_valid_token_names_its_subject_and_takes_the_role_from_a_nested_list(issuer):
    principal = verifier_for(issuer).principal(rs256())
    assert principal == Principal(sub="f3b1c2d4-0000-4000-8000-000000000001", role="clinician", issuer=OUTSIDE)
    assert issuer.fetched == [JWKS_URL]


def test_an_es256_token_is_accepted_and_the_keys_are_fetched_once(issuer):
    verifier = verifier_for(issuer)
    token = jwt.encode(claims(), EC_KEY, algorithm="ES256", headers={"kid": "ec-1"})
    assert verifier.principal(token).role == "clinician"
    assert verifier.principal(rs256()).role == "clinician"
    assert issuer.fetched == [JWKS_URL]


@pytest.mark.parametrize(
    ("roles", "role"),
    [(["ops", "intake"], "intake"), (["clinician", "admin", "supervisor"], "admin"), (["supervisor"], "supervisor")],
)
def test_the_most_senior_of_our_roles_in_the_list_wins(issuer, roles, role):
    token = rs256(realm_access={"roles": roles})
    assert verifier_for(issuer).principal(token).role == role


def test_a_plain_string_claim_is_a_role_too(issuer):
    token = rs256(role="supervisor")
    assert verifier_for(issuer, OIDC_ROLE_CLAIM="role").principal(token).role == "supervisor"


@pytest.mark.parametrize("roles", [[], ["offline_access", "janitor"], "janitor", None])
def test_a_token_naming_none_of_our_roles_is_refused_as_such(issuer, roles):
    token = rs256(realm_access={"roles": roles} if roles is not None else None)
    with pytest.raises(RoleMissing, match="realm_access.roles"):
        verifier_for(issuer).principal(token)


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "https://id.example.org/realms/other"},
        {"aud": "another-client"},
        {"aud": None},
        {"exp": timedelta(seconds=-90)},
        {"nbf": timedelta(seconds=90)},
        {"iat": timedelta(seconds=90)},
        {"iat": None},
        {"sub": None},
        {"sub": ""},
    ],
    ids=[
        "wrong-issuer",
        "wrong-audience",
        "no-audience",
        "expired",
        "not-yet-valid",
        "issued-later",
        "no-iat",
        "no-sub",
        "empty-sub",
    ],
)
def test_a_token_failing_a_claim_check_is_refused(issuer, overrides):
    # Times are offsets from now, read when the test runs (not when it was collected, minutes before).
    claims = {name: utcnow() + value if isinstance(value, timedelta) else value for name, value in overrides.items()}
    with pytest.raises(InvalidToken):
        verifier_for(issuer).principal(rs256(**claims))


def test_clocks_a_little_apart_are_forgiven_up_to_a_minute(issuer):
    token = rs256(exp=utcnow() - timedelta(seconds=30), nbf=utcnow() + timedelta(seconds=30))
    assert verifier_for(issuer).principal(token).role == "clinician"


def test_a_token_signed_by_another_key_under_a_known_key_id_is_refused(issuer):
    with pytest.raises(InvalidToken):
        verifier_for(issuer).principal(rs256(key=ROTATED_KEY))


def test_an_unknown_key_id_fetches_the_keys_again_once_then_is_refused(issuer):
    clock = Clock()
    verifier = verifier_for(issuer, clock)
    verifier.principal(rs256())
    with pytest.raises(InvalidToken, match="no key with this key id"):
        verifier.principal(rs256(kid="rsa-2", key=ROTATED_KEY))
    assert issuer.fetched == [JWKS_URL, JWKS_URL]
    clock.now += UNKNOWN_KEY_REFETCH_SECONDS - 1
    with pytest.raises(InvalidToken):
        verifier.principal(rs256(kid="rsa-3", key=ROTATED_KEY))
    assert len(issuer.fetched) == 2, "made-up key ids may not turn every request into a fetch"
    clock.now += 1
    with pytest.raises(InvalidToken):
        verifier.principal(rs256(kid="rsa-3", key=ROTATED_KEY))
    assert len(issuer.fetched) == 3, "a minute later an unknown key id looks again"


def test_a_rotated_key_is_found_by_fetching_again(issuer):
    clock = Clock()
    verifier = verifier_for(issuer, clock)
    verifier.principal(rs256())
    issuer.documents[JWKS_URL]["keys"].append(public_jwk(ROTATED_KEY, "rsa-2"))
    assert verifier.principal(rs256(kid="rsa-2", key=ROTATED_KEY)).role == "clinician"


def test_a_new_key_id_while_the_issuer_is_down_is_not_a_refusal(issuer):
    verifier = verifier_for(issuer)
    verifier.principal(rs256())
    issuer.down = True
    with pytest.raises(KeysUnavailable):
        verifier.principal(rs256(kid="rsa-2", key=ROTATED_KEY))
    assert verifier.principal(rs256()).role == "clinician", "known keys still serve"


def test_an_unsigned_token_is_refused_without_fetching_keys(issuer):
    token = jwt.encode(claims(), None, algorithm="none", headers={"kid": "rsa-1"})
    with pytest.raises(InvalidToken, match="not accepted"):
        verifier_for(issuer).principal(token)
    assert issuer.fetched == []


@pytest.mark.parametrize("iss", [OUTSIDE, ISSUER])
def test_hs256_signed_with_the_issuers_public_key_is_refused(issuer, iss):
    pem = RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    verifier = verifier_for(issuer)
    with pytest.raises(InvalidToken):
        verifier.principal(forged_hs256(pem, iss=iss))
    # The forgery is well made: a token whose claims read and whose key id is the issuer's.
    assert jwt.decode(forged_hs256(pem), options={"verify_signature": False})["iss"] == OUTSIDE
    assert jwt.get_unverified_header(forged_hs256(pem)) == {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}


def test_a_token_naming_our_issuer_must_be_hs256_with_our_secret(issuer):
    verifier = verifier_for(issuer)
    with pytest.raises(InvalidToken):
        verifier.principal(rs256(iss=ISSUER, role="admin"))
    assert verifier.principal(issue_token(SECRET, "kim", "intake")) == Principal(sub="kim", role="intake")


def test_an_algorithm_left_out_of_the_settings_is_refused(issuer):
    token = jwt.encode(claims(), EC_KEY, algorithm="ES256", headers={"kid": "ec-1"})
    with pytest.raises(InvalidToken, match="not accepted"):
        verifier_for(issuer, OIDC_ALGORITHMS="RS256").principal(token)


def test_local_tokens_are_refused_when_switched_off_but_calendar_links_still_open_their_feed(issuer):
    verifier = verifier_for(issuer, IPT_LOCAL_TOKENS="false")
    with pytest.raises(InvalidToken, match="local tokens"):
        verifier.principal(issue_token(SECRET, "kim", "admin"))
    calendar = issue_token(SECRET, "lee", "clinician", scope=CALENDAR_SCOPE, feed="feed-1")
    assert verifier.principal(calendar).scope == CALENDAR_SCOPE
    assert verifier.principal(rs256()).issuer == OUTSIDE


def test_an_outside_token_never_carries_the_calendar_scope(issuer):
    principal = verifier_for(issuer).principal(rs256(scope=CALENDAR_SCOPE, feed="feed-1"))
    assert (principal.scope, principal.feed) == (None, None)


def test_unreachable_keys_are_not_a_refusal_and_are_not_fetched_on_every_request(issuer):
    clock = Clock()
    issuer.down = True
    verifier = verifier_for(issuer, clock)
    with pytest.raises(KeysUnavailable) as first:
        verifier.principal(rs256())
    assert first.value.retry_after == RETRY_AFTER_FAILED_FETCH_SECONDS
    clock.now += 5
    with pytest.raises(KeysUnavailable) as second:
        verifier.principal(rs256())
    assert second.value.retry_after == RETRY_AFTER_FAILED_FETCH_SECONDS - 5
    assert len(issuer.fetched) == 1
    issuer.down = False
    clock.now += RETRY_AFTER_FAILED_FETCH_SECONDS
    assert verifier.principal(rs256()).role == "clinician"


def test_keys_fetched_before_serve_while_the_issuer_is_down_for_up_to_an_hour(issuer):
    clock = Clock()
    verifier = verifier_for(issuer, clock)
    verifier.principal(rs256())
    issuer.down = True
    clock.now += 3000
    assert verifier.principal(rs256()).role == "clinician"
    clock.now += 700
    with pytest.raises(KeysUnavailable):
        verifier.principal(rs256())


def test_without_a_keys_url_the_issuers_discovery_document_names_it(issuer):
    discovery = f"{OUTSIDE}/.well-known/openid-configuration"
    issuer.documents[discovery] = {"issuer": OUTSIDE, "jwks_uri": JWKS_URL}
    verifier = verifier_for(issuer, OIDC_JWKS_URL="")
    assert verifier.principal(rs256()).role == "clinician"
    assert issuer.fetched == [discovery, JWKS_URL]


@pytest.mark.parametrize(
    "document",
    [
        {"issuer": OUTSIDE, "jwks_uri": "http://id.example.org/certs"},
        {"issuer": "https://elsewhere", "jwks_uri": JWKS_URL},
    ],
    ids=["plain-http-keys", "another-issuer"],
)
def test_a_discovery_document_that_cannot_be_trusted_gives_no_keys(issuer, document):
    issuer.documents[f"{OUTSIDE}/.well-known/openid-configuration"] = document
    with pytest.raises(KeysUnavailable):
        verifier_for(issuer, OIDC_JWKS_URL="").principal(rs256())


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"OIDC_AUDIENCE": ""}, "OIDC_AUDIENCE is required"),
        ({"OIDC_ISSUER": "http://id.example.org/realms/clinic"}, "OIDC_ISSUER must be an https URL"),
        ({"OIDC_JWKS_URL": "http://id.example.org/certs"}, "OIDC_JWKS_URL must be an https URL"),
        ({"OIDC_ALGORITHMS": "RS256,HS256"}, "may not name HS256"),
        ({"OIDC_ALGORITHMS": "none"}, "may not name none"),
        ({"OIDC_ROLE_CLAIM": "realm_access..roles"}, "OIDC_ROLE_CLAIM"),
        ({"IPT_LOCAL_TOKENS": "nope"}, "IPT_LOCAL_TOKENS must be true or false"),
        (
            {"OIDC_ISSUER": "", "OIDC_AUDIENCE": "", "OIDC_JWKS_URL": "", "IPT_LOCAL_TOKENS": "false"},
            "needs OIDC_ISSUER",
        ),
        ({"OIDC_ISSUER": ""}, "set without OIDC_ISSUER"),
    ],
)
def test_settings_are_checked_at_start_up(env, problem):
    with pytest.raises(ValueError, match=problem):
        Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, **OIDC_ENV, **env})


def test_settings_default_to_local_tokens_only_and_allow_plain_http_on_loopback():
    plain = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET})
    assert (plain.oidc, plain.local_tokens) == (None, True)
    local = Settings.from_env(
        "intake",
        env={"IPT_JWT_SECRET": SECRET, "OIDC_ISSUER": "http://127.0.0.1:8180/realms/clinic", "OIDC_AUDIENCE": "a"},
    )
    assert local.oidc is not None
    assert (local.oidc.jwks_url, local.oidc.role_claim, local.oidc.algorithms) == (None, "role", ("RS256", "ES256"))


INSTRUMENTS = "/api/v1/instruments"


def make_app(**env: str) -> Flask:
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING", **env})
    return create_app(settings, deps=fake_dependencies())


def app_with(issuer: Issuer, **env: str) -> Flask:
    """The intake app as the settings make it, its keys fetched from `issuer` instead of the network."""
    app = make_app(**OIDC_ENV, **env)
    settings = Settings.from_env("intake", env={"IPT_JWT_SECRET": SECRET, **OIDC_ENV, **env})
    app.extensions[TOKENS_KEY] = TokenVerifier.from_settings(settings, fetch=issuer)
    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_api_accepts_an_outside_token_and_refuses_a_bad_one_with_401(issuer):
    client = app_with(issuer).test_client()
    assert client.get(INSTRUMENTS, headers=bearer(rs256())).status_code == 200
    refused = client.get(INSTRUMENTS, headers=bearer(rs256(aud="another-client")))
    assert refused.status_code == 401 and refused.get_json()["message"] == "Invalid or expired token."


def test_the_api_answers_403_to_a_valid_token_without_one_of_our_roles(issuer):
    response = app_with(issuer).test_client().get(INSTRUMENTS, headers=bearer(rs256(realm_access={"roles": []})))
    assert response.status_code == 403
    assert "none of this platform's roles" in response.get_json()["message"]


def test_the_api_answers_503_with_retry_after_while_the_keys_cannot_be_fetched(issuer):
    issuer.down = True
    response = app_with(issuer).test_client().get(INSTRUMENTS, headers=bearer(rs256()))
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.get_json()["code"] == 503 and "try again" in response.get_json()["message"]


def test_the_api_refuses_local_tokens_when_switched_off(issuer):
    client = app_with(issuer, IPT_LOCAL_TOKENS="false").test_client()
    assert client.get(INSTRUMENTS, headers=bearer(issue_token(SECRET, "kim", "admin"))).status_code == 401
    assert client.get(INSTRUMENTS, headers=bearer(rs256())).status_code == 200


def test_the_app_checks_outside_tokens_as_the_settings_say():
    verifier = make_app(**OIDC_ENV).extensions[TOKENS_KEY]
    assert verifier.oidc is not None and verifier.oidc.settings.issuer == OUTSIDE
    assert make_app().extensions[TOKENS_KEY].oidc is None
