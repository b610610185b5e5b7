"""The event envelope: byte round trip, tolerant but safe parsing, correlation and causation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.envelope import Envelope, MalformedEnvelope, parse_envelope

WHEN = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def envelope(**overrides) -> Envelope:
    fields = dict(
        type="intake.client.registered",
        version=1,
        source="intake",
        subject="client-1",
        data={"client_id": "client-1", "nested": {"a": [1, 2]}},
        time=WHEN,
    )
    return Envelope(**{**fields, **overrides})


def body(**overrides) -> dict:
    return {**envelope(id="e-1", correlation_id="c-1", causation_id="p-1").to_dict(), **overrides}


def test_to_bytes_and_parse_round_trip_is_lossless():
    original = envelope(correlation_id="chain-1", causation_id="cause-1")
    parsed = parse_envelope(original.to_bytes())
    assert parsed == original
    assert parsed.time.utcoffset() == timedelta(0)


def test_time_is_serialised_in_utc_with_z():
    local = envelope(time=datetime(2026, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2))))
    assert local.to_dict()["time"] == "2026-03-01T12:30:00Z"
    assert parse_envelope(local.to_bytes()).time == WHEN


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b"null", b'"text"', b"\xff\xfe"])
def test_bytes_that_are_not_an_envelope_raise_malformed(raw):
    with pytest.raises(MalformedEnvelope):
        parse_envelope(raw)


@pytest.mark.parametrize("missing", ["id", "type", "version", "time", "source", "subject", "data"])
def test_a_missing_envelope_field_raises_malformed(missing):
    incomplete = body()
    del incomplete[missing]
    with pytest.raises(MalformedEnvelope, match=missing):
        parse_envelope(json.dumps(incomplete).encode())


@pytest.mark.parametrize("bad", [{"version": "one"}, {"data": [1, 2]}, {"time": "yesterday"}])
def test_wrongly_typed_fields_raise_malformed(bad):
    with pytest.raises(MalformedEnvelope):
        parse_envelope(json.dumps(body(**bad)).encode())


def test_time_without_offset_is_rejected():
    with pytest.raises(MalformedEnvelope, match="UTC offset"):
        parse_envelope(json.dumps(body(time="2026-03-01T12:30:00")).encode())


def test_unknown_top_level_fields_are_ignored():
    parsed = parse_envelope(json.dumps(body(extension="x")).encode())
    assert (parsed.id, parsed.correlation_id, parsed.causation_id) == ("e-1", "c-1", "p-1")


def test_correlation_defaults_to_own_id_when_absent():
    fresh = envelope()
    assert fresh.correlation_id == fresh.id
    without = body(correlation_id=None)
    assert parse_envelope(json.dumps(without).encode()).correlation_id == "e-1"
    del without["correlation_id"], without["causation_id"]
    parsed = parse_envelope(json.dumps(without).encode())
    assert (parsed.correlation_id, parsed.causation_id) == ("e-1", None)


def test_ids_are_unique_per_event():
    assert envelope().id != envelope().id


def test_caused_carries_correlation_and_sets_causation():
    parent = envelope(correlation_id="chain-9")
    child = parent.caused("sessions.episode.opened", 1, "sessions", "client-1", {"x": 1})
    assert child.correlation_id == "chain-9"
    assert child.causation_id == parent.id
    assert child.id != parent.id
    assert (child.type, child.version, child.source, child.data) == ("sessions.episode.opened", 1, "sessions", {"x": 1})


def test_kafka_headers_repeat_type_id_and_version():
    event = envelope(version=3)
    assert event.kafka_headers() == [
        ("ce_type", b"intake.client.registered"),
        ("ce_id", event.id.encode()),
        ("ce_version", b"3"),
    ]
