"""Suicide-risk flags: raised at once by screenings or staff, cleared only by clinicians."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.errors import Invalid
from shared.instruments import ScreeningResult
from shared.vocabulary import HIGH, URGENT


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
        )

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None

    def clear(self, by: str, reason: str, now: datetime) -> None:
        if not reason or not reason.strip():
            raise Invalid({"reason": ["Say why the flag is cleared."]})
        self.cleared_at, self.cleared_by, self.clear_reason = now, by, reason.strip()


def risk_from_screening(result: ScreeningResult) -> tuple[str, str] | None:
    """(urgency, source) when a result needs the risk workflow today, else None.

    PHQ-9 item 9 above 0 counts whatever the total; C-SSRS moderate or high counts.
    """
    if result.instrument == "phq9":
        item9 = int(result.details.get("item9", 0))
        if item9 > 0:
            return (URGENT if item9 >= 2 else HIGH), "phq9_item9"
    if result.instrument == "cssrs_screen" and result.risk_level in ("moderate", "high"):
        return (URGENT if result.risk_level == "high" else HIGH), "cssrs"
    return None
