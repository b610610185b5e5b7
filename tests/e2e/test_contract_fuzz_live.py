"""Every service of the running stack against its own OpenAPI document, over HTTP, on the real
database and broker: generated requests for every operation as every role (schemathesis), checking
that no answer is a server error and that each keeps to its documented status codes, content type
and schema.

Bounded for `make test`: FUZZ_LIVE_EXAMPLES examples per operation and role (3 unless set; `make
fuzz` sets more), derandomized, so a run is repeatable. It registers clients with generated details,
so it runs after the other end-to-end and browser tests (`runs_late`), just before the PHI scan,
which leaves its clients out by their registrar (`fuzz-live-<role>`).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import BaseSchema

from shared.config import SERVICES
from shared.roles import ROLES

pytestmark = pytest.mark.runs_late
EXAMPLES = int(os.environ.get("FUZZ_LIVE_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ_ACTOR = "fuzz-live-{role}"


@pytest.fixture(scope="module")
def documents(stack) -> dict[str, BaseSchema]:
    """Each running service's OpenAPI document, loaded once; requests go to the service it came from."""
    return {service: schemathesis.openapi.from_url(f"{stack.url(service)}/openapi.json") for service in SERVICES}


def failures_of(schema: BaseSchema, headers: dict[str, str]) -> tuple[int, list[str]]:
    """Generated requests for every operation of the document: how many operations were tried, and
    what broke the contract, by operation."""
    failed, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

        try:
            call()
        except Exception as error:  # noqa: BLE001 - every failure is reported with its operation
            failed.append(f"{operation.label}: {error}")
    return tried, failed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", SERVICES)
def test_the_running_service_keeps_to_its_contract(documents, stack, service: str, role: str) -> None:
    headers = stack.headers(role, FUZZ_ACTOR.format(role=role))
    tried, failed = failures_of(documents[service], headers)
    assert tried >= 3, f"only {tried} operations in {service}'s document"
    assert not failed, "\n\n".join(failed)
