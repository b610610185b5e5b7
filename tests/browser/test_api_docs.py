"""Each service's Swagger UI at /docs renders its /api/v1 operations with no help from the internet."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Response, expect

from shared.config import SERVICES

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def is_local(url: str) -> bool:
    """True for URLs that never leave the machine (loopback hosts, data:, blob:, about:)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or (parts.hostname or "") in LOCAL_HOSTS


def documented_operations(spec: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item if method in HTTP_METHODS}


@pytest.mark.parametrize("service", SERVICES)
def test_swagger_ui_lists_the_service_api(stack, page, screenshot, failed_requests, requests_made, service):
    base = stack.url(service)
    spec = requests.get(f"{base}/openapi.json", timeout=10).json()
    expected = documented_operations(spec)
    assert expected and all(path.startswith("/api/v1/") for _, path in expected), expected

    error_responses: list[Response] = []
    page.on("response", lambda response: error_responses.append(response) if response.status >= 400 else None)

    page.goto(f"{base}/docs")
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(spec["info"]["title"])
    operations = page.locator(".swagger-ui .opblock")
    expect(operations).to_have_count(len(expected))
    page.wait_for_load_state("networkidle")
    screenshot("loaded")

    shown = {
        (
            block.locator(".opblock-summary-method").inner_text().strip().upper(),
            block.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in operations.all()
    }
    assert shown == expected
    expect(page.locator(".swagger-ui .errors-wrapper")).to_have_count(0)

    # Expanding an operation renders its parameters and responses from the local spec.
    operations.first.locator(".opblock-summary").click()
    expect(operations.first.locator(".opblock-body .responses-wrapper")).to_be_visible()
    screenshot("operation-expanded")

    assert [r.url for r in requests_made if not is_local(r.url)] == []
    assert [(r.url, r.failure) for r in failed_requests if not is_local(r.url)] == []
    assert [(r.status, r.url) for r in error_responses if not r.url.endswith("/favicon.ico")] == []
