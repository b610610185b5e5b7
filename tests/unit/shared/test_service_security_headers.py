"""Security headers on every answer of every service, HTML above all: the staff pages set strict ones
of their own; everything else (the API documentation page, the API, health) gets the baseline."""

from __future__ import annotations

import pytest

from shared.auth import issue_token
from shared.config import SERVICES
from tests.unit.shared.conftest import SECRET, make_app

BASELINE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("path", ["/docs", "/healthz", "/openapi.json"])
def test_every_answer_carries_the_baseline_headers(service: str, path: str) -> None:
    response = make_app(service).test_client().get(path)
    assert response.status_code == 200, (service, path)
    for name, value in BASELINE.items():
        assert response.headers.get(name) == value, (service, path, name)
    assert response.headers.get("Referrer-Policy") in ("no-referrer", "same-origin")


@pytest.mark.parametrize("service", SERVICES)
def test_the_api_documentation_page_may_not_be_framed(service: str) -> None:
    response = make_app(service).test_client().get("/docs")
    assert response.mimetype == "text/html"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("service", SERVICES)
def test_api_answers_and_refusals_are_never_cached(service: str) -> None:
    client = make_app(service).test_client()
    token = issue_token(SECRET, "someone", "admin")
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        response = client.get("/api/v1/audit", headers=headers)
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("service", ["intake", "sessions"])
def test_staff_pages_keep_their_own_stricter_policy(service: str) -> None:
    response = make_app(service).test_client().get("/ui/login")
    assert response.status_code == 200
    assert "default-src" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
