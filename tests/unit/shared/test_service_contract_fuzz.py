"""Every service's API against its own OpenAPI document, generated requests for every operation and
every role (schemathesis, on the apps with fake storage): no server error, no answer that breaks its
documented schema, status code, content type or headers.

Bounded for `make test`: FUZZ_EXAMPLES examples per operation and role (5 unless set), seeded, so a
run is repeatable; set FUZZ_EXAMPLES higher for a longer search.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.auth import issue_token
from shared.config import SERVICES
from shared.roles import ROLES
from tests.unit.shared.conftest import SECRET, make_app

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# The limits would answer 429 to the bulk of generated requests: they are tested on their own.
APPS = {service: make_app(service, API_RATE_PER_USER="0", API_RATE_PER_ADDRESS="0") for service in SERVICES}
SCHEMAS = {service: schemathesis.openapi.from_wsgi("/openapi.json", app) for service, app in APPS.items()}


def fuzz(service: str):
    @SCHEMAS[service].parametrize()
    @pytest.mark.parametrize("role", ROLES)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case, role: str) -> None:
        token = issue_token(SECRET, f"fuzz-{role}", role)
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    return check


test_intake_api_keeps_to_its_contract = fuzz("intake")
test_sessions_api_keeps_to_its_contract = fuzz("sessions")
test_outcomes_api_keeps_to_its_contract = fuzz("outcomes")
test_notifications_api_keeps_to_its_contract = fuzz("notifications")
