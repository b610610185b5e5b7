"""The event envelope every integration event travels in (CloudEvents in spirit)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Envelope:
    type: str
    version: int
    source: str
    subject: str
    data: dict[str, Any]
    id: str = field(default_factory=new_id)
    time: datetime = field(default_factory=utcnow)
    correlation_id: str = ""
    causation_id: str | None = None

    def __post_init__(self) -> None:
        # An event with no correlation starts its own chain.
        if not self.correlation_id:
            object.__setattr__(self, "correlation_id", self.id)

    def caused(self, type: str, version: int, source: str, subject: str, data: dict[str, Any]) -> Envelope:
        """A follow-up event in the same correlation chain, caused by this one."""
        return Envelope(
            type=type,
            version=version,
            source=source,
            subject=subject,
            data=data,
            correlation_id=self.correlation_id,
            causation_id=self.id,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "version": self.version,
            "time": self.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "source": self.source,
            "subject": self.subject,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "data": self.data,
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True).encode()

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        # Type and id ride as headers too, so tools can route or dedupe without parsing the body.
        return [
            ("ce_type", self.type.encode()),
            ("ce_id", self.id.encode()),
            ("ce_version", str(self.version).encode()),
        ]

    def with_data(self, data: dict[str, Any]) -> Envelope:
        return replace(self, data=data)


class MalformedEnvelope(ValueError):
    """The bytes are not an envelope at all (bad JSON or missing envelope fields)."""


def parse_envelope(raw: bytes) -> Envelope:
    """Reads an envelope tolerantly: unknown top-level fields are ignored."""
    try:
        body = json.loads(raw)
        return Envelope(
            id=str(body["id"]),
            type=str(body["type"]),
            version=int(body["version"]),
            time=_parse_time(body["time"]),
            source=str(body["source"]),
            subject=str(body["subject"]),
            correlation_id=str(body.get("correlation_id") or body["id"]),
            causation_id=body.get("causation_id"),
            data=dict(body["data"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedEnvelope(f"not an event envelope: {error.__class__.__name__}: {error}") from error


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("event time must carry a UTC offset")
    return parsed
