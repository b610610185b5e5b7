"""An outside OpenID Connect issuer over real HTTP: its discovery document and keys served from a
local web server, an RS256 token opening the intake API on the real database."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from jwt.algorithms import RSAAlgorithm

from services.intake.bootstrap import create_app, real_dependencies
from shared.config import Settings
from shared.db import mongo_client
from shared.envelope import utcnow
from shared.oidc import FETCH_TIMEOUT_SECONDS
from shared.service import service_database

SECRET = "integration-secret-that-is-long-enough-for-hs256"
AUDIENCE = "ipt-api"
SUBJECT = "7d1f0c2e-0000-4000-8000-00000000beef"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
REGISTRATION = {
    "given_name": "Alex",
    "family_name": "Example",
    "date_of_birth": "1990-04-01",
    "program": "mental_health",
    "contact": {"email": "alex@example.org", "phone": "+15550100"},
    "preferred_channel": "sms",
}


class IssuerServer:
    """The issuer's two documents on 127.0.0.1, every path asked for remembered."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                server.asked.append(self.path)
                document = server.documents().get(self.path)
                body = json.dumps(document).encode()
                self.send_response(200 if document else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.http.server_address[1]}/realms/clinic"

    def documents(self) -> dict[str, Any]:
        jwk = {**RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "rsa-1", "use": "sig", "alg": "RS256"}
        return {
            "/realms/clinic/.well-known/openid-configuration": {
                "issuer": self.issuer,
                "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs",
            },
            "/realms/clinic/protocol/openid-connect/certs": {"keys": [jwk]},
        }


@pytest.fixture
def issuer() -> Iterator[IssuerServer]:
    server = IssuerServer()
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.http.shutdown()
        server.http.server_close()
        thread.join(5)


def token(issuer: str, roles: list[str], sub: str = SUBJECT) -> dict[str, str]:
    now = utcnow()
    claims = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": sub,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "realm_access": {"roles": roles},
    }
    return {"Authorization": f"Bearer {jwt.encode(claims, KEY, algorithm='RS256', headers={'kid': 'rsa-1'})}"}


@pytest.fixture
def stack_env(infra) -> Iterator[dict[str, str]]:
    """Settings for an intake app on the test database server, in a database of its own (the app
    keeps its audit trail in `<prefix>_intake`), dropped afterwards."""
    prefix = f"it_{uuid.uuid4().hex[:12]}"
    yield {"MONGO_URI": infra.mongo_uri, "MONGO_DB_PREFIX": prefix, "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap}
    mongo_client(infra.mongo_uri).drop_database(f"{prefix}_intake")


def intake_app(stack_env: dict[str, str], issuer: str) -> tuple[Flask, Any]:
    """The intake app and its database."""
    env = {
        **stack_env,
        "IPT_JWT_SECRET": SECRET,
        "LOG_LEVEL": "WARNING",
        "OIDC_ISSUER": issuer,
        "OIDC_AUDIENCE": AUDIENCE,
        "OIDC_ROLE_CLAIM": "realm_access.roles",
    }
    settings = Settings.from_env("intake", env=env)
    db = service_database(settings)
    return create_app(settings, deps=real_dependencies(db)), db


def test_an_rs256_token_of_the_outside_issuer_registers_and_reads_a_client(stack_env, issuer):
    app, db = intake_app(stack_env, issuer.issuer)
    client = app.test_client()
    registered = client.post("/api/v1/clients", json=REGISTRATION, headers=token(issuer.issuer, ["intake"]))
    assert registered.status_code == 201, registered.get_json()
    client_id = registered.get_json()["id"]
    read = client.get(f"/api/v1/clients/{client_id}", headers=token(issuer.issuer, ["clinician", "supervisor"]))
    assert read.status_code == 200 and read.get_json()["id"] == client_id
    assert issuer.asked == [
        "/realms/clinic/.well-known/openid-configuration",
        "/realms/clinic/protocol/openid-connect/certs",
    ], "the keys are fetched once and kept"
    trail = {(record["actor"], record["role"]) for record in db["audit"].find({"clients": client_id})}
    assert trail == {(SUBJECT, "intake"), (SUBJECT, "supervisor")}, "the audit trail names the issuer's subject"


def test_an_issuer_that_does_not_answer_gets_503_within_the_fetch_timeout(stack_env):
    # A socket that is listening but never accepts: the connection is made, no answer ever comes.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        issuer = f"http://127.0.0.1:{silent.getsockname()[1]}/realms/clinic"
        client = intake_app(stack_env, issuer)[0].test_client()
        started = time.monotonic()
        response = client.get("/api/v1/instruments", headers=token(issuer, ["intake"]))
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 1
    assert elapsed < FETCH_TIMEOUT_SECONDS + 2
