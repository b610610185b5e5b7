"""The PHI scan finds a client's identifiers planted in a log line, a metric label and a Kafka key or
header, shows them only masked, and leaves ordinary text alone; and it runs last in a session."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import running_order
from tests.support.phi_scan import (
    find_in_kafka_record,
    find_in_label_values,
    find_in_lines,
    find_in_metrics,
    mask,
    needles_for,
)

CLIENT = {
    "registration": {
        "given_name": "Quentin",
        "family_name": "Zebulon-Ray",
        "date_of_birth": "1970-01-02",
        "contact": {"email": "q.z@example.org", "phone": "+15550100"},
    },
    "registered_by": "nurse-7",
}
NEEDLES = needles_for(CLIENT)


def kinds(hits) -> list[str]:
    return sorted(hit.kind for hit in hits)


def test_the_needles_are_names_of_four_letters_or_more_birth_date_as_stored_and_shown_and_contacts():
    values = {(needle.kind, needle.value) for needle in NEEDLES}
    assert values == {
        ("given name", "Quentin"),
        ("family name", "Zebulon"),  # "Ray": too short to tell from ordinary words
        ("date of birth", "1970-01-02"),
        ("date of birth", "2 Jan 1970"),  # as the staff pages show it
        ("date of birth", "02 Jan 1970"),
        ("e-mail", "q.z@example.org"),
        ("phone", "+15550100"),
    }


def test_a_log_line_with_a_name_or_birth_date_is_found_by_file_and_line():
    lines = [
        '{"level": "INFO", "message": "client registered", "client_id": "6f1c"}',
        '{"level": "INFO", "message": "registered quentin", "born": "2 Jan 1970"}',
        '{"level": "INFO", "message": "mail to Q.Z@EXAMPLE.ORG, sms to 15550100"}',
    ]
    hits = find_in_lines(lines, NEEDLES, "stack.log")
    assert {(hit.where, hit.kind) for hit in hits} == {
        ("stack.log:2", "given name"),
        ("stack.log:2", "date of birth"),
        ("stack.log:3", "e-mail"),
        ("stack.log:3", "phone"),
    }


def test_names_match_whole_words_only():
    lines = ["Quentins", "xQuentin", "Zebulonic", "1970-01-021", "215550100"]
    assert find_in_lines(lines, NEEDLES, "f") == []


def test_a_metric_label_holding_a_name_is_found():
    exposition = (
        "# HELP http_requests_total Requests\n"
        "# TYPE http_requests_total counter\n"
        'http_requests_total{service="intake",route="/api/v1/clients/<client_id>"} 3.0\n'
        'http_requests_total{service="intake",route="/api/v1/search/Zebulon"} 1.0\n'
    )
    [hit] = find_in_metrics(exposition, NEEDLES, "intake_web /metrics")
    assert hit.where == "intake_web /metrics http_requests_total{route}" and hit.kind == "family name"
    stored = {"route": ["/api/v1/clients/<client_id>"], "email": ["q.z@example.org"]}
    assert kinds(find_in_label_values(stored, NEEDLES, "prometheus")) == ["e-mail"]


def record(key, headers):
    return SimpleNamespace(topic="intake.events", partition=2, offset=41, key=key, headers=headers)


def test_a_kafka_key_or_header_holding_an_identifier_is_found_but_not_the_value():
    clean = record(b"6f1c2a4e", [("ce_type", b"intake.client.registered")])
    assert find_in_kafka_record(clean, NEEDLES) == []
    leaky = record(b"Quentin", [("ce_type", b"x"), ("dlq_reason", b"bad date_of_birth 1970-01-02")])
    hits = find_in_kafka_record(leaky, NEEDLES)
    assert {(hit.where, hit.kind) for hit in hits} == {
        ("intake.events:2:41 key", "given name"),
        ("intake.events:2:41 header dlq_reason", "date of birth"),
    }
    assert all("Quentin" not in str(hit) and "1970-01-02" not in str(hit) for hit in hits)


def test_a_value_is_shown_masked():
    assert mask("Quentin") == "Qu…(7 chars)" and "Quentin" not in mask("Quentin")


def item(path: str, *markers: str):
    return SimpleNamespace(path=Path(path), get_closest_marker=lambda name: name if name in markers else None)


@pytest.mark.parametrize("only_e2e", [False, True])
def test_the_scan_runs_after_every_other_test_browser_ones_included(only_e2e):
    tests = [
        item("/r/tests/e2e/test_phi_scan.py", "phi_scan"),
        item("/r/tests/e2e/test_contract_fuzz_live.py", "runs_late"),
        item("/r/tests/e2e/test_first_slice.py"),
    ]
    if not only_e2e:
        tests += [item("/r/tests/browser/test_intake_ui.py"), item("/r/tests/unit/test_layers.py")]
    ordered = [str(test.path).rsplit("/", 1)[1] for test in sorted(tests, key=running_order)]
    assert ordered[-2:] == ["test_contract_fuzz_live.py", "test_phi_scan.py"]
    assert ordered[0] == ("test_first_slice.py" if only_e2e else "test_layers.py")
