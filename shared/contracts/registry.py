"""Looks up event contracts; producers validate strictly, consumers read tolerantly."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema

from shared.topics import events_topic


@dataclass(frozen=True)
class EventContract:
    type: str
    version: int
    schema: type[Schema]
    description: str
    example: dict[str, Any]
    consumers: tuple[str, ...] = ()

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
    from shared.contracts import intake, notifications, sessions  # noqa: F401


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
    return events_topic(type_.split(".", 1)[0])


def validate_outgoing(type_: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Strict: an unknown or missing field is a producer bug and must fail before publishing."""
    schema = contract_for(type_, version).schema(unknown=RAISE)
    return schema.dump(schema.load(data))


def read_incoming(type_: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Tolerant: fields added by newer producers are ignored; missing required ones still fail."""
    return contract_for(type_, version).schema(unknown=EXCLUDE).load(data)
