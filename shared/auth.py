"""Bearer-token authentication; roles per route come from a table.

Two kinds of token: our own (HS256 with the shared secret, issuer `ipt-platform`, claims sub,
role, exp) and, when OIDC_ISSUER is set, those of an outside OpenID Connect issuer
(shared/oidc.py). A token naming our issuer takes the local path, pinned to HS256; every other
token the OIDC path, which accepts only the configured asymmetric algorithms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import jwt
from flask import Response, current_app, g, jsonify, request
from flask import abort as abort_with
from flask_smorest import abort

from shared.config import Settings
from shared.envelope import utcnow
from shared.oidc import Fetch, KeysUnavailable, OidcTokens, RoleMissing, TokenRefused, fetch_json
from shared.roles import ROLES

ISSUER = "ipt-platform"
ALGORITHM = "HS256"

# endpoint ("blueprint.ViewClass") -> HTTP method -> the roles that may call it.
RouteRoles = Mapping[str, Mapping[str, tuple[str, ...]]]


# A token that opens only calendar feeds: calendar apps subscribe by URL and cannot send a
# header, so such a token rides in the URL (`?access_token=`) and is worth little if it leaks.
# It names the feed it was issued for, so the feed's owner can revoke one link at any time.
CALENDAR_SCOPE = "calendar"


@dataclass(frozen=True)
class Principal:
    sub: str
    role: str
    scope: str | None = None  # None: the whole API the role allows
    feed: str | None = None  # a calendar token: the feed (subscription link) it was issued for
    issuer: str = ISSUER  # who vouched for `sub`: us, or the outside OIDC issuer


class InvalidToken(Exception):
    pass


# Where create_base_app keeps the app's TokenVerifier.
TOKENS_KEY = "ipt.tokens"


@dataclass(frozen=True)
class TokenVerifier:
    """Every bearer token the API accepts, by the settings: local ones unless IPT_LOCAL_TOKENS is
    false (calendar feed links, which the sessions service issues itself, still open their feed),
    and the OIDC issuer's when one is configured."""

    secret: str
    local_tokens: bool = True
    oidc: OidcTokens | None = None

    @classmethod
    def from_settings(cls, settings: Settings, fetch: Fetch = fetch_json) -> TokenVerifier:
        oidc = OidcTokens(settings.oidc, fetch) if settings.oidc else None
        return cls(secret=settings.jwt_secret, local_tokens=settings.local_tokens, oidc=oidc)

    def principal(self, token: str) -> Principal:
        """InvalidToken (401), RoleMissing (403) or KeysUnavailable (503) when not a principal."""
        if self.oidc is None or unverified_issuer(token) == ISSUER:
            principal = decode_token(self.secret, token)
            if not self.local_tokens and principal.scope != CALENDAR_SCOPE:
                raise InvalidToken("local tokens are not accepted here")
            return principal
        try:
            identity = self.oidc.identity(token)
        except TokenRefused as error:
            raise InvalidToken(str(error)) from error
        return Principal(sub=identity.sub, role=identity.role, issuer=self.oidc.settings.issuer)


def unverified_issuer(token: str) -> object:
    """The `iss` a token claims, read without checking anything: only to pick the path that checks it."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    return claims.get("iss")


def issue_token(
    secret: str,
    sub: str,
    role: str,
    ttl: timedelta = timedelta(hours=8),
    scope: str | None = None,
    feed: str | None = None,
) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not sub:
        raise ValueError("sub must not be empty")
    if scope not in (None, CALENDAR_SCOPE):
        raise ValueError(f"scope must be {CALENDAR_SCOPE} or none")
    now = utcnow()
    claims = {"sub": sub, "role": role, "iat": now, "exp": now + ttl, "iss": ISSUER}
    if scope:
        claims["scope"] = scope
    if feed:
        claims["feed"] = feed
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["sub", "role", "exp"]}
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    if claims["role"] not in ROLES:
        raise InvalidToken("unknown role")
    scope, feed = claims.get("scope"), claims.get("feed")
    return Principal(
        sub=str(claims["sub"]),
        role=str(claims["role"]),
        scope=str(scope) if scope else None,
        feed=str(feed) if feed else None,
    )


def authenticate_request() -> Principal:
    """The caller of this request, or a 401 with a JSON body."""
    if "principal" in g:
        return current_principal()
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    in_url = calendar_feed() and not header and request.args.get("access_token")
    if in_url:
        scheme, token = "bearer", str(in_url)
    if scheme.lower() != "bearer" or not token:
        abort(401, message="Missing bearer token: send 'Authorization: Bearer <token>'.")
    verifier = current_app.extensions.get(TOKENS_KEY) or TokenVerifier(current_app.config["JWT_SECRET"])
    try:
        principal = verifier.principal(token.strip())
    except InvalidToken:
        abort(401, message="Invalid or expired token.")
    except RoleMissing as error:
        abort(403, message=str(error))
    except KeysUnavailable as error:
        abort_with(_keys_unavailable(error.retry_after))
    if in_url and principal.scope != CALENDAR_SCOPE:
        abort(401, message="Only a calendar token may be sent in the URL.")
    if principal.scope == CALENDAR_SCOPE and not calendar_feed():
        abort(403, message="A calendar token opens calendar feeds only.")
    g.principal = principal
    return current_principal()


def _keys_unavailable(retry_after: int) -> Response:
    # Not 401: the token may well be good, and a client told so would send its user to sign in again.
    response = jsonify(
        code=503,
        status="Service Unavailable",
        message="The identity provider's keys cannot be fetched to check the token; try again shortly.",
    )
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    return response


def calendar_feed() -> bool:
    return request.method in ("GET", "HEAD") and request.path.endswith(".ics")


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal


def unlisted_routes(table: RouteRoles, routes: list[tuple[str, str]]) -> list[str]:
    """Problems with a route table: /api (endpoint, method) pairs it does not list, entries
    naming no route, and roles that do not exist. An empty list means the table is whole."""
    listed = {(endpoint, method) for endpoint, methods in table.items() for method in methods}
    problems = [f"{method} {endpoint} has no roles" for endpoint, method in routes if (endpoint, method) not in listed]
    problems += [f"{method} {endpoint} is listed but is no route" for endpoint, method in sorted(listed - set(routes))]
    problems += [
        f"{method} {endpoint} names unknown roles"
        for endpoint, methods in table.items()
        for method, roles in methods.items()
        if not set(roles) <= set(ROLES)
    ]
    return problems
