"""docs/events.md is the current rendering of the contracts, and it describes them correctly."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest

from shared import catalog
from shared.consumer import ConsumerRunner
from shared.contracts import all_contracts, validate_outgoing
from shared.envelope import parse_envelope


@pytest.fixture
def doc(project_root) -> str:
    return (project_root / "docs" / "events.md").read_text(encoding="utf-8")


def test_docs_events_md_is_up_to_date(doc):
    assert doc == catalog.render(), "docs/events.md is stale: run `make docs`"


def test_rendering_is_deterministic():
    assert catalog.render() == catalog.render()


def test_module_prints_the_rendering(project_root):
    done = subprocess.run(
        [sys.executable, "-m", "shared.catalog"],
        cwd=project_root,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout == catalog.render()


def test_every_contract_has_a_section(doc):
    for contract in all_contracts():
        assert f"### `{contract.type}` v{contract.version}" in doc
        assert f"| Topic | `{contract.topic}`" in doc
        assert contract.description in doc


def test_example_envelopes_are_valid_events(doc):
    blocks = re.findall(r"```json\n(.*?)\n```", doc, flags=re.S)
    assert len(blocks) == len(all_contracts())
    for block, contract in zip(blocks, all_contracts(), strict=True):
        event = parse_envelope(block.encode())
        assert (event.type, event.version) == (contract.type, contract.version)
        assert event.subject == contract.example[contract.subject]
        assert event.source == contract.type.split(".")[0]
        assert validate_outgoing(event.type, event.version, event.data) == contract.example


def test_nested_fields_are_listed_with_their_requiredness():
    contract = next(c for c in all_contracts() if c.type == "intake.client.registered")
    rows = {name: (type_, required) for name, type_, required, _ in catalog.schema_fields(contract.schema())}
    assert rows["contact"] == ("Nested", True)
    assert rows["contact.phone"] == ("String (nullable)", False)
    assert rows["date_of_birth"] == ("Date", True)
    assert set(rows) == set(contract.schema().fields) | {"contact.email", "contact.phone"}


def test_consumers_are_listed(doc):
    section = doc.split("### `intake.client.registered` v1", 1)[1].split("###", 1)[0]
    assert "| Consumers | `sessions`, `outcomes`, `notifications` |" in section


def test_every_dead_letter_header_the_consumer_adds_is_documented(doc):
    source = inspect.getsource(ConsumerRunner._dead_letter)
    headers = re.findall(r'\("(dlq_\w+)"', source)
    assert len(headers) >= 6
    for header in headers:
        assert f"| `{header}` |" in doc


@pytest.mark.parametrize(
    "name",
    [
        "id",
        "type",
        "version",
        "time",
        "source",
        "subject",
        "correlation_id",
        "causation_id",
        "data",
        "ce_type",
        "ce_id",
        "ce_version",
    ],
)
def test_header_explains_every_envelope_field_and_kafka_header(doc, name):
    assert f"| `{name}` |" in doc
