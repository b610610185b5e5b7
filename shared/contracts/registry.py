"""Looks up event contracts; producers validate strictly, consumers read tolerantly."""

from __future__ import annotations

import builtins
import functools
from dataclasses import dataclass
from typing import Any, cast

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields
from marshmallow.types import UnknownOption

from shared.request_text import NOT_TEXT_MESSAGE, has_non_text
from shared.topics import publisher_topic


@dataclass(frozen=True)
class EventContract:
    type: str
    version: int
    schema: builtins.type[Schema]  # `type` alone would name the field above
    description: str
    example: dict[str, Any]
    consumers: tuple[str, ...] = ()
    # The field of `data` that is the envelope's subject and so the Kafka key.
    subject: str = "client_id"

    @property
    def topic(self) -> str:
        return topic_for_type(self.type)


class UnknownEvent(LookupError):
    """No contract exists for this (type, version): a consumer cannot trust its meaning."""


_CONTRACTS: dict[tuple[str, int], EventContract] = {}


def register(*contracts: EventContract) -> None:
    for item in contracts:
        key = (item.type, item.version)
        if key in _CONTRACTS:
            raise ValueError(f"event contract {key} declared twice")
        _CONTRACTS[key] = item


def _load_all() -> None:
    # Importing the per-publisher modules registers their contracts exactly once.
    from shared.contracts import audit, intake, notifications, outcomes, sessions  # noqa: F401


def all_contracts() -> list[EventContract]:
    _load_all()
    return sorted(_CONTRACTS.values(), key=lambda c: (c.type, c.version))


def contract_for(type_: str, version: int) -> EventContract:
    _load_all()
    try:
        return _CONTRACTS[(type_, version)]
    except KeyError:
        raise UnknownEvent(f"no contract for event {type_} v{version}") from None


def topic_for_type(type_: str) -> str:
    """Events go to their publisher's topic: the first segment of the dotted type names it."""
    return publisher_topic(type_.split(".", 1)[0])


def validate_outgoing(type_: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Strict: an unknown or missing field is a producer bug and must fail before publishing."""
    schema = _schema(type_, version, RAISE)
    # `load` and `dump` return Any (a list with many=True); one object in, one dict out.
    return cast(dict[str, Any], schema.dump(schema.load(data)))


def read_incoming(type_: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Tolerant: fields added by newer producers are ignored; missing required ones still fail, and
    so does text holding control, direction-override or unpaired-surrogate characters, which no
    service of ours sends (its API refuses them), so such an event is parked, not stored."""
    loaded = cast(dict[str, Any], _schema(type_, version, EXCLUDE).load(data))
    bad = sorted(_non_text_fields(loaded))
    if bad:
        raise ValidationError({name: [NOT_TEXT_MESSAGE] for name in bad})
    return loaded


def _non_text_fields(value: Any, path: str = "") -> builtins.list[str]:
    if isinstance(value, str):
        return [path or "<data>"] if has_non_text(value) else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _non_text_fields(item, f"{path}.{key}".lstrip("."))]
    if isinstance(value, (list, tuple)):
        return [found for index, item in enumerate(value) for found in _non_text_fields(item, f"{path}[{index}]")]
    return []


@functools.cache
def _schema(type_: str, version: int, unknown: UnknownOption) -> Schema:
    """One schema per contract and rule, made once: building a marshmallow schema costs more than
    loading an event with it, and a loaded schema keeps no state between loads and dumps."""
    schema = contract_for(type_, version).schema(unknown=unknown)
    _apply_unknown(schema, unknown)
    return schema


def field_names(type_: str, version: int) -> builtins.list[str]:
    """The names of the contract's `data` fields."""
    return builtins.list(_schema(type_, version, RAISE).fields)


def _apply_unknown(schema: Schema, unknown: UnknownOption) -> None:
    """marshmallow applies `unknown` to the top level only; nested objects get the same rule here."""
    for field in schema.fields.values():
        nested = getattr(field, "inner", field)  # a List's item field, or the field itself
        if isinstance(nested, fields.Nested):
            nested.schema.unknown = unknown
            _apply_unknown(nested.schema, unknown)
