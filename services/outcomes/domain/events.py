"""What outcomes publishes, as typed domain events (each exactly its contract's fields)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain import DomainEvent


@dataclass(frozen=True)
class ScoreRecorded(DomainEvent):
    TYPE = "outcomes.score.recorded"
    measure_id: str
    client_id: str
    episode_id: str | None
    session_number: int | None
    instrument: str
    version: str
    total: int | None
    severity: str | None
    positive: bool
    cutoff: int | None
    flags: tuple[str, ...]
    source: str
    administered_at: datetime
    risk_urgency: str | None = None
    risk_source: str | None = None


@dataclass(frozen=True)
class StatusChanged(DomainEvent):
    """Response, remission or recovery reached or lost in an episode."""

    TYPE = "outcomes.status.changed"
    client_id: str
    episode_id: str
    clinician_id: str | None
    status: str
    change: str
    measure_id: str
    rule_set: str
    changed_at: datetime


@dataclass(frozen=True)
class AlertRaised(DomainEvent):
    """Something the episode's clinician should act on; identifiers only."""

    TYPE = "outcomes.alert.raised"
    alert_id: str
    client_id: str
    episode_id: str
    clinician_id: str | None
    kind: str
    instrument: str | None
    measure_id: str | None
    session_number: int | None
    rule_set: str
    raised_at: datetime


@dataclass(frozen=True)
class SelfReportOffered(DomainEvent):
    """Measures due before a session, offered to the client through a one-time link (offered again,
    with a new link, when the session moves)."""

    TYPE = "outcomes.self_report.offered"
    offer_id: str
    client_id: str
    episode_id: str
    session_id: str | None
    session_start: datetime | None
    instruments: tuple[str, ...]
    link: str
    available_from: datetime
    expires_at: datetime
    offered_at: datetime


@dataclass(frozen=True)
class SelfReportWithdrawn(DomainEvent):
    """An offered link needs no more messages: completed, expired, or its session cancelled."""

    TYPE = "outcomes.self_report.withdrawn"
    offer_id: str
    client_id: str
    reason: str
    withdrawn_at: datetime
