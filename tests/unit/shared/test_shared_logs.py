"""JSON logs: correlation id included, health information never written."""

from __future__ import annotations

import io
import json
import logging

import pytest

from shared import context
from shared.logs import PHI_FIELDS, JsonFormatter

PHI = {
    "given_name": "Zebedee",
    "family_name": "Quarrington",
    "date_of_birth": "1977-07-17",
    "email": "zq@example.org",
    "phone": "+15559876",
    "answers": [3, 2, 1],
    "notes": "feels low",
}


def entry(message: str = "hello", level: int = logging.INFO, exc_info=None, **extra) -> dict:
    record = logging.getLogger("test.logs").makeRecord(
        "test.logs", level, __file__, 1, message, (), exc_info, extra=extra
    )
    return json.loads(JsonFormatter("intake").format(record))


def test_entry_is_json_with_service_level_and_message():
    line = entry("something %s", event_id="e-1")
    assert (line["service"], line["level"], line["message"], line["event_id"]) == (
        "intake",
        "INFO",
        "something %s",
        "e-1",
    )


def test_correlation_id_is_included_when_set():
    token = context.set_correlation_id("corr-123")
    try:
        assert entry()["correlation_id"] == "corr-123"
    finally:
        context.reset_correlation_id(token)
    assert "correlation_id" not in entry()


@pytest.mark.parametrize("key", sorted(PHI))
def test_phi_keys_in_extra_are_redacted(key):
    line = entry(**{key: PHI[key]})
    assert line[key] == "[redacted]"
    assert str(PHI[key]) not in json.dumps(line)


def test_every_listed_phi_key_is_covered():
    assert set(PHI) <= PHI_FIELDS


def test_exception_is_logged_by_type_only():
    try:
        raise ValueError("duplicate key: Zebedee Quarrington")
    except ValueError:
        import sys

        line = entry("failed", level=logging.ERROR, exc_info=sys.exc_info())
    assert line["exception"] == "ValueError"
    assert "Zebedee" not in json.dumps(line)


def test_registering_a_client_logs_no_name_or_birth_date(client, auth, registration):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("intake"))
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        body = registration(
            given_name=PHI["given_name"], family_name=PHI["family_name"], date_of_birth=PHI["date_of_birth"]
        )
        assert client.post("/api/v1/clients", json=body, headers=auth("intake")).status_code == 201
        assert client.post("/api/v1/clients", json={**body, "program": "x"}, headers=auth("intake")).status_code == 422
        logging.getLogger("probe").warning("capture works", extra={"given_name": PHI["given_name"]})
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    written = stream.getvalue()
    assert "capture works" in written  # the handler saw the app's logging path
    for secret in (PHI["given_name"], PHI["family_name"], PHI["date_of_birth"]):
        assert secret not in written
