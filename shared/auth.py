"""Bearer-token authentication (HS256 JWT with sub, role, exp) and role checks for endpoints."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import jwt
from flask import current_app, g, request
from flask_smorest import abort

from shared.envelope import utcnow

ROLES: tuple[str, ...] = ("intake", "clinician", "supervisor", "ops", "admin")
ISSUER = "ipt-platform"
ALGORITHM = "HS256"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    sub: str
    role: str


class InvalidToken(Exception):
    pass


def issue_token(secret: str, sub: str, role: str, ttl: timedelta = timedelta(hours=8)) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not sub:
        raise ValueError("sub must not be empty")
    now = utcnow()
    claims = {"sub": sub, "role": role, "iat": now, "exp": now + ttl, "iss": ISSUER}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["sub", "role", "exp"]})
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    if claims["role"] not in ROLES:
        raise InvalidToken("unknown role")
    return Principal(sub=str(claims["sub"]), role=str(claims["role"]))


def authenticate_request() -> Principal:
    """The caller of this request, or a 401 with a JSON body."""
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401, message="Missing bearer token: send 'Authorization: Bearer <token>'.")
    try:
        g.principal = decode_token(current_app.config["JWT_SECRET"], token.strip())
    except InvalidToken:
        abort(401, message="Invalid or expired token.")
    return g.principal


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allows the endpoint only to these roles (403 for any other authenticated caller)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            principal = authenticate_request()
            if principal.role not in roles:
                abort(403, message=f"Role '{principal.role}' may not use this endpoint.")
            return view(*args, **kwargs)

        guarded.required_roles = tuple(roles)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def current_principal() -> Principal:
    return g.principal
