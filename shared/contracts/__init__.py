"""The public event contract: one marshmallow schema per event type and version."""

from shared.contracts.registry import (
    EventContract,
    UnknownEvent,
    all_contracts,
    contract_for,
    field_names,
    read_incoming,
    topic_for_type,
    validate_outgoing,
)

__all__ = [
    "EventContract",
    "UnknownEvent",
    "all_contracts",
    "contract_for",
    "field_names",
    "read_incoming",
    "topic_for_type",
    "validate_outgoing",
]
