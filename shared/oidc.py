"""Bearer tokens of an outside OpenID Connect issuer: its keys (JWKS), issuer, audience and role.

The issuer's public keys are fetched on first use and kept: refreshed every ten minutes, and
early when a token names a key id not seen yet (a key rotation), but at most once a minute, so
tokens with made-up key ids cannot turn every request into a fetch. A fetch gives up after three
seconds. While the issuer cannot be reached the keys already fetched serve for up to an hour;
without usable keys a request is answered 503 with Retry-After, never 401 (the token may be fine).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from shared.config import OidcSettings, require_secure_url
from shared.roles import ADMIN, CLINICIAN, INTAKE, OPS, SUPERVISOR

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 3.0
KEYS_FRESH_SECONDS = 600.0
KEYS_USABLE_SECONDS = 3600.0
UNKNOWN_KEY_REFETCH_SECONDS = 60.0
RETRY_AFTER_FAILED_FETCH_SECONDS = 15.0
LEEWAY_SECONDS = 60
MAX_DOCUMENT_BYTES = 1024 * 1024
DISCOVERY_PATH = "/.well-known/openid-configuration"

# When the role claim lists several of our roles, the first of these in it wins. The most senior
# comes first because issuers commonly grant composite roles (an admin role that includes the
# clinician role), and the token then lists both: the person is an admin.
ROLE_PRECEDENCE: tuple[str, ...] = (ADMIN, SUPERVISOR, CLINICIAN, INTAKE, OPS)

# The fetcher: a URL to its parsed JSON document; raises OSError (or ValueError) when it cannot.
Fetch = Callable[[str], Any]
Clock = Callable[[], float]


class TokenRefused(Exception):
    """Not a valid token of the issuer: bad signature, issuer, audience, times, claims or key id."""


class RoleMissing(Exception):
    """A valid token whose role claim names none of our roles: who it is is known, what they may do is not."""


class KeysUnavailable(Exception):
    """The issuer's keys cannot be fetched now; the caller may retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the issuer's keys cannot be fetched; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Identity:
    sub: str
    role: str


def fetch_json(url: str) -> Any:
    """GET a JSON document, giving up after FETCH_TIMEOUT_SECONDS."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    # Not a finding (bandit B310): the URL is OIDC_ISSUER or OIDC_JWKS_URL (https or loopback,
    # checked at start-up) or the jwks_uri of the issuer's own discovery document, checked likewise.
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as answer:  # nosec B310
        body = answer.read(MAX_DOCUMENT_BYTES + 1)
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"the document at {url} is larger than {MAX_DOCUMENT_BYTES} bytes")
    return json.loads(body)


class IssuerKeys:
    """The issuer's signing keys by key id, fetched lazily and kept as the module docstring says."""

    def __init__(self, settings: OidcSettings, fetch: Fetch = fetch_json, clock: Clock = time.monotonic) -> None:
        self._settings = settings
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._jwks_url = settings.jwks_url
        self._keys: dict[str, dict[str, Any]] | None = None
        self._fetched_at = -math.inf
        self._attempted_at = -math.inf
        self._looked_for_new_keys_at = -math.inf
        self._last_failed = False

    def jwk(self, kid: str) -> dict[str, Any]:
        """The key the issuer publishes under `kid`; TokenRefused if it publishes none."""
        with self._lock:
            now = self._clock()
            fetched_now = self._refresh_if_due(kid, now)
            if self._keys is None or now - self._fetched_at > KEYS_USABLE_SECONDS:
                raise KeysUnavailable(self._retry_after(now))
            found = self._keys.get(kid)
            if found is None and fetched_now and self._last_failed:
                raise KeysUnavailable(self._retry_after(now))  # perhaps a new key we could not fetch
        if found is None:
            raise TokenRefused("the issuer publishes no key with this key id")
        return found

    def _refresh_if_due(self, kid: str, now: float) -> bool:
        """Fetch the keys when they are old, or when `kid` is new to them; True when it tried."""
        if now - self._fetched_at >= KEYS_FRESH_SECONDS and self._may_retry(now):
            self._refresh(now)
            return True
        if self._keys is not None and kid not in self._keys and self._may_look_for_new_keys(now):
            self._looked_for_new_keys_at = now
            self._refresh(now)
            return True
        return False

    def _may_retry(self, now: float) -> bool:
        return not self._last_failed or now - self._attempted_at >= RETRY_AFTER_FAILED_FETCH_SECONDS

    def _may_look_for_new_keys(self, now: float) -> bool:
        return now - self._looked_for_new_keys_at >= UNKNOWN_KEY_REFETCH_SECONDS

    def _retry_after(self, now: float) -> int:
        return max(1, math.ceil(RETRY_AFTER_FAILED_FETCH_SECONDS - (now - self._attempted_at)))

    def _refresh(self, now: float) -> None:
        self._attempted_at = now
        try:
            keys = keys_by_id(self._fetch(self._keys_url()))
        except (OSError, ValueError, KeyError, TypeError) as error:
            # urllib's errors (URLError, timeouts) are OSErrors; a malformed document the others.
            log.warning("oidc keys not fetched", extra={"error": error.__class__.__name__})
            self._last_failed = True
            return
        self._keys, self._fetched_at, self._last_failed = keys, now, False

    def _keys_url(self) -> str:
        if self._jwks_url is None:
            issuer = self._settings.issuer
            discovery = self._fetch(issuer.rstrip("/") + DISCOVERY_PATH)
            if discovery.get("issuer") != issuer:
                raise ValueError("the discovery document names another issuer than OIDC_ISSUER")
            url = str(discovery["jwks_uri"])
            require_secure_url("jwks_uri", url)
            self._jwks_url = url
        return self._jwks_url


def keys_by_id(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The signing keys of a JWKS document by key id; keys without an id, for encryption or
    symmetric (`oct`, which would make a published key a signing secret) are left out."""
    keys = document["keys"]
    if not isinstance(keys, list):
        raise ValueError("the JWKS document's keys are not a list")
    return {
        str(key["kid"]): key
        for key in keys
        if isinstance(key, dict) and key.get("kid") and key.get("use", "sig") == "sig" and key.get("kty") != "oct"
    }


class OidcTokens:
    """Checks one issuer's tokens: signature by the key its header names, issuer, audience,
    times (60 s leeway), subject and role."""

    def __init__(self, settings: OidcSettings, fetch: Fetch = fetch_json, clock: Clock = time.monotonic) -> None:
        self.settings = settings
        self.keys = IssuerKeys(settings, fetch, clock)

    def identity(self, token: str) -> Identity:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise TokenRefused(str(error)) from error
        algorithm, kid = header.get("alg"), header.get("kid")
        # Refused before any key is fetched: `none`, HS* (which would take the public key as a
        # shared secret) and anything else not configured never reach the key lookup.
        if algorithm not in self.settings.algorithms:
            raise TokenRefused(f"algorithm {algorithm!r} is not accepted")
        if not isinstance(kid, str) or not kid:
            raise TokenRefused("the token names no key id")
        claims = self._verified_claims(token, self.keys.jwk(kid), algorithm)
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.strip():
            raise TokenRefused("the token names no subject")
        role = role_of(claims, self.settings.role_claim)
        if role is None:
            raise RoleMissing(
                f"The token names none of this platform's roles in its '{self.settings.role_claim}' claim."
            )
        return Identity(sub=sub, role=role)

    def _verified_claims(self, token: str, jwk: dict[str, Any], algorithm: str) -> dict[str, Any]:
        try:
            # The key is bound to one algorithm (its own `alg`, else the token's, which is one of
            # ours): PyJWT refuses a token whose header names another.
            key = jwt.PyJWK(jwk, algorithm=jwk.get("alg") or algorithm)
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=list(self.settings.algorithms),
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            log.info("oidc token refused", extra={"error": error.__class__.__name__})
            raise TokenRefused(str(error)) from error
        return claims


def role_of(claims: Mapping[str, Any], path: str) -> str | None:
    """Our role named at `path` (a claim or a dotted path to a nested one) — one string or a list,
    of which the first in ROLE_PRECEDENCE wins; None when it names none of ours."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    named = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return next((role for role in ROLE_PRECEDENCE if role in named), None)
