"""The event catalog: every event type and version, rendered as Markdown from the contracts.

`python -m shared.catalog > docs/events.md` (or `make docs`) regenerates docs/events.md; a unit
test fails when the committed file differs from this rendering, so the catalog cannot go stale.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from shared.contracts import EventContract, all_contracts
from shared.envelope import Envelope
from shared.topics import dlq_topic

# Fixed values keep the rendering deterministic (no random ids, no clock).
EXAMPLE_ID = "00000000-0000-4000-8000-000000000001"
EXAMPLE_CORRELATION_ID = "00000000-0000-4000-8000-0000000000c0"
EXAMPLE_TIME = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)

HEADER = """\
# Event catalog

Generated from `shared/contracts/` by `python -m shared.catalog` (`make docs`). Do not edit by hand:
a unit test fails when this file differs from the current rendering.

## The envelope

Every integration event travels as one JSON object (UTF-8) in the Kafka message value:

| Field | Meaning |
|---|---|
| `id` | Unique event id (UUID). Consumers deduplicate on it: a redelivered event has the same id. |
| `type` | Dotted event type, `<publisher>.<aggregate>.<what happened>`; the first segment names the publishing service. |
| `version` | Integer version of the `data` schema for this type. |
| `time` | When it happened, ISO 8601 in UTC (`Z`); always timezone-aware. |
| `source` | The service that published the event. |
| `subject` | The client id the event is about (an audit record's id for `audit.` events). It is also the **Kafka message key**, so all events of one client land on one partition, in order. |
| `correlation_id` | Ties together everything one request or workflow caused; the first event of a chain uses its own `id`. Also logged as `correlation_id`. |
| `causation_id` | The `id` of the event whose handling published this one; `null` when a request (not an event) caused it. |
| `data` | The event payload, described per type below. |

Kafka message headers repeat what tools need without parsing the body:

| Header | Value |
|---|---|
| `ce_type` | The event `type`. |
| `ce_id` | The event `id`. |
| `ce_version` | The event `version`, as a decimal string. |

## Versioning

- A compatible change (a new optional field) keeps the version.
- A breaking change (removing, renaming or retyping a field, making one required) is a **new
  version**, published beside the old one for a while so consumers can move over; then the old
  version is retired.
- Producers validate strictly: an unknown or missing field fails before the event is written
  to the outbox.
- Consumers read tolerantly: fields they do not know are ignored; a missing required field, or an
  unknown type/version, makes the message a poison message.

## Reading the field tables

*Required* means the key must be present in `data`; *nullable* means its value may be `null`.
Nested objects list their fields as `parent.child`, list items as `parent[].child`.

## Dead letters

A consumer parks a message it can never handle (not an envelope, unknown type or version, fails its
schema, or a handler that keeps failing) on `<topic>.dlq`, with the original key, value and headers
plus:

| Header | Value |
|---|---|
| `dlq_error` | Exception class name of the failure. |
| `dlq_reason` | The failure message (at most 1000 characters). |
| `dlq_group` | The consumer group that gave up on the message. |
| `dlq_topic` | The topic the message was read from. |
| `dlq_partition` | Its partition there. |
| `dlq_offset` | Its offset there. |
"""


def schema_fields(schema: Schema, prefix: str = "") -> list[tuple[str, str, bool, str]]:
    """(name, type, required, allowed values) for every field, nested ones as `parent.child`."""
    rows: list[tuple[str, str, bool, str]] = []
    for name, field in schema.fields.items():
        rows.append((prefix + name, _type_name(field), bool(field.required), _allowed(field)))
        if isinstance(field, fields.Nested):
            rows.extend(schema_fields(field.schema, prefix=f"{prefix}{name}."))
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            rows.extend(schema_fields(field.inner.schema, prefix=f"{prefix}{name}[]."))
    return rows


def _type_name(field: fields.Field[Any]) -> str:
    if isinstance(field, fields.List):
        return f"List[{_type_name(field.inner)}]"
    name = type(field).__name__
    return f"{name} (nullable)" if field.allow_none else name


def _allowed(field: fields.Field[Any]) -> str:
    validators = field.validators if hasattr(field, "validators") else []
    choices = [v.choices for v in validators if isinstance(v, validate.OneOf)]
    return ", ".join(f"`{c}`" for c in choices[0]) if choices else ""


def example_envelope(contract: EventContract) -> Envelope:
    return Envelope(
        id=EXAMPLE_ID,
        type=contract.type,
        version=contract.version,
        time=EXAMPLE_TIME,
        source=publisher_of(contract),
        subject=str(contract.example.get(contract.subject, "")),
        correlation_id=EXAMPLE_CORRELATION_ID,
        causation_id=None,
        data=contract.example,
    )


def publisher_of(contract: EventContract) -> str:
    return contract.type.split(".", 1)[0]


def render_contract(contract: EventContract) -> str:
    envelope = example_envelope(contract)
    consumers = ", ".join(f"`{c}`" for c in contract.consumers) or "none yet"
    headers = ", ".join(f"`{name}: {value.decode()}`" for name, value in envelope.kafka_headers())
    lines = [
        f"### `{contract.type}` v{contract.version}",
        "",
        contract.description,
        "",
        "| | |",
        "|---|---|",
        f"| Type | `{contract.type}` |",
        f"| Version | {contract.version} |",
        f"| Topic | `{contract.topic}` (dead letters: `{dlq_topic(contract.topic)}`) |",
        f"| Kafka key | `subject` = {_subject_name(contract)} |",
        f"| Publisher | `{publisher_of(contract)}` |",
        f"| Consumers | {consumers} |",
        f"| Headers | {headers} |",
        "",
        "Fields of `data`:",
        "",
        "| Field | Type | Required | Allowed values |",
        "|---|---|---|---|",
    ]
    for name, type_name, required, allowed in schema_fields(contract.schema()):
        lines.append(f"| `{name}` | {type_name} | {'yes' if required else 'no'} | {allowed} |")
    lines += [
        "",
        "Example envelope:",
        "",
        "```json",
        json.dumps(envelope.to_dict(), indent=2, ensure_ascii=False),
        "```",
        "",
    ]
    return "\n".join(lines)


def _subject_name(contract: EventContract) -> str:
    return "the client id" if contract.subject == "client_id" else f"`{contract.subject}`"


def render(contracts: list[EventContract] | None = None) -> str:
    contracts = all_contracts() if contracts is None else contracts
    parts = [HEADER, "## Events", ""]
    parts += [f"- [`{c.type}` v{c.version}](#{_anchor(c)})" for c in contracts]
    parts.append("")
    parts += [render_contract(c) for c in contracts]
    return "\n".join(parts).rstrip("\n") + "\n"


def _anchor(contract: EventContract) -> str:
    # GitHub's heading anchors: lower case, punctuation dropped, spaces become hyphens.
    text = f"{contract.type} v{contract.version}".lower()
    return "".join(ch for ch in text if ch.isalnum() or ch in " -_").replace(" ", "-")


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
