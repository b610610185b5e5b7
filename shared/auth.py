"""Bearer-token authentication (HS256 JWT with sub, role, exp); roles per route come from a table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import jwt
from flask import current_app, g, request
from flask_smorest import abort

from shared.envelope import utcnow
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


class InvalidToken(Exception):
    pass


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
    try:
        principal = decode_token(current_app.config["JWT_SECRET"], token.strip())
    except InvalidToken:
        abort(401, message="Invalid or expired token.")
    if in_url and principal.scope != CALENDAR_SCOPE:
        abort(401, message="Only a calendar token may be sent in the URL.")
    if principal.scope == CALENDAR_SCOPE and not calendar_feed():
        abort(403, message="A calendar token opens calendar feeds only.")
    g.principal = principal
    return current_principal()


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
