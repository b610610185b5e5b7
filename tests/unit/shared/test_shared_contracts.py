"""Event contracts: strict producers, tolerant consumers, and topics that exist."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from shared.contracts import UnknownEvent, all_contracts, contract_for, read_incoming, validate_outgoing
from shared.topics import TOPICS, dlq_topic, publisher_topic

CONTRACTS = all_contracts()
IDS = [f"{c.type}-v{c.version}" for c in CONTRACTS]
REGISTERED = contract_for("intake.client.registered", 1)


def test_there_are_contracts_for_the_known_events():
    keys = {(c.type, c.version) for c in CONTRACTS}
    assert {("intake.client.registered", 1), ("sessions.episode.opened", 1)} <= keys


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_every_example_passes_strict_validation_unchanged(contract):
    assert validate_outgoing(contract.type, contract.version, contract.example) == contract.example


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_outgoing_rejects_an_unknown_field(contract):
    with pytest.raises(ValidationError) as caught:
        validate_outgoing(contract.type, contract.version, {**contract.example, "surprise": 1})
    assert "surprise" in caught.value.messages


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_outgoing_and_incoming_reject_a_missing_required_field(contract):
    required = [name for name, field in contract.schema().fields.items() if field.required]
    assert required
    for name in required:
        partial = {k: v for k, v in contract.example.items() if k != name}
        for check in (validate_outgoing, read_incoming):
            with pytest.raises(ValidationError) as caught:
                check(contract.type, contract.version, partial)
            assert name in caught.value.messages


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_incoming_ignores_unknown_top_level_fields(contract):
    data = read_incoming(contract.type, contract.version, {**contract.example, "added_later": "x"})
    assert "added_later" not in data
    assert data[contract.subject] == contract.example[contract.subject]


def test_incoming_ignores_unknown_fields_inside_nested_objects():
    example = REGISTERED.example
    data = read_incoming(REGISTERED.type, 1, {**example, "contact": {**example["contact"], "pager": "1"}})
    assert "pager" not in data["contact"]


def test_outgoing_rejects_a_value_outside_the_allowed_ones():
    with pytest.raises(ValidationError) as caught:
        validate_outgoing(REGISTERED.type, 1, {**REGISTERED.example, "program": "astrology"})
    assert list(caught.value.messages) == ["program"]


def test_outgoing_rejects_a_naive_timestamp():
    with pytest.raises(ValidationError) as caught:
        validate_outgoing(REGISTERED.type, 1, {**REGISTERED.example, "registered_at": "2026-11-26T09:00:00"})
    assert "registered_at" in caught.value.messages


@pytest.mark.parametrize("type_, version", [("intake.client.unheard_of", 1), ("intake.client.registered", 99)])
def test_contract_for_an_unknown_type_or_version_raises(type_, version):
    with pytest.raises(UnknownEvent):
        contract_for(type_, version)
    with pytest.raises(UnknownEvent):
        read_incoming(type_, version, {})


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_every_topic_and_its_dead_letter_topic_are_declared(contract):
    declared = {spec.name for spec in TOPICS}
    assert contract.topic == publisher_topic(contract.type.split(".")[0])
    assert contract.topic in declared
    assert dlq_topic(contract.topic) in declared


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_every_contract_is_described_and_keyed_by_its_subject(contract):
    """Keyed by the client it is about, so one client's events stay in order; the few about no
    one client (staff, audit records) name their own key."""
    assert contract.description.strip()
    assert contract.subject in contract.schema().fields
    assert contract.subject == "client_id" or "client_id" not in contract.example or contract.type.startswith("audit.")


@pytest.mark.parametrize("contract", all_contracts(), ids=lambda c: f"{c.type}.v{c.version}")
def test_every_example_is_read_as_incoming(contract):
    assert read_incoming(contract.type, contract.version, dict(contract.example))


@pytest.mark.parametrize("text", ["A\x00b", "A\u202eb", "A\ud800b", "A\x1bb"])
def test_incoming_text_holding_what_is_not_text_is_refused_naming_the_field(text):
    contract = contract_for("intake.client.registered", 1)
    data = dict(contract.example) | {"given_name": text}
    with pytest.raises(ValidationError) as refused:
        read_incoming(contract.type, contract.version, data)
    assert "given_name" in refused.value.messages
    nested = dict(contract.example) | {"contact": dict(contract.example["contact"]) | {"phone": f"+1555{text}0100"}}
    with pytest.raises(ValidationError) as refused:
        read_incoming(contract.type, contract.version, nested)
    assert "contact.phone" in refused.value.messages
