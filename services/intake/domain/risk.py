"""Suicide-risk flags: raised at once by screenings or staff, cleared only by clinicians."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.errors import Invalid
from shared.instruments.risk import suicide_risk as risk_from_screening


@dataclass
class RiskFlag:
    id: str
    source: str
    urgency: str
    raised_at: datetime
    raised_by: str
    screening_id: str | None = None
    instrument: str | None = None
    note: str | None = None
    measure_id: str | None = None  # a measure given in a session, when one raised it
    cleared_at: datetime | None = None
    cleared_by: str | None = None
    clear_reason: str | None = None

    @classmethod
    def raise_new(
        cls,
        source: str,
        urgency: str,
        by: str,
        now: datetime,
        *,
        screening_id: str | None = None,
        instrument: str | None = None,
        note: str | None = None,
        measure_id: str | None = None,
    ) -> RiskFlag:
        return cls(
            id=str(uuid.uuid4()),
            source=source,
            urgency=urgency,
            raised_at=now,
            raised_by=by,
            screening_id=screening_id,
            instrument=instrument,
            note=note,
            measure_id=measure_id,
        )

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    def clear(self, by: str, reason: str, now: datetime) -> None:
        if not reason or not reason.strip():
            raise Invalid({"reason": ["Say why the flag is cleared."]})
        self.cleared_at, self.cleared_by, self.clear_reason = now, by, reason.strip()


__all__ = ["RiskFlag", "risk_from_screening"]
