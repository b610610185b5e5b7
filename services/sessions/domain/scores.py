"""A client's PHQ-9 and GAD-7 scores as sessions learns them — screenings at intake and measures
in sessions — for the caseload's latest scores and the chart's trajectory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CHARTED = ("phq9", "gad7")


@dataclass(frozen=True)
class Score:
    measure_id: str
    instrument: str
    total: int
    severity: str | None
    at: datetime
    session_number: int | None = None  # None for a screening at intake


@dataclass
class ScoreHistory:
    """One per client; kept as a projection (replaced whole on each event)."""

    client_id: str
    scores: list[Score] = field(default_factory=list)

    def record(self, score: Score) -> None:
        """Adds a score, or replaces the one with the same id (a corrected session record)."""
        if score.instrument not in CHARTED:
            return
        self.scores = sorted(
            [s for s in self.scores if s.measure_id != score.measure_id] + [score], key=lambda s: (s.at, s.measure_id)
        )

    def of(self, instrument: str) -> list[Score]:
        return [s for s in self.scores if s.instrument == instrument]

    def latest(self, instrument: str) -> Score | None:
        found = self.of(instrument)
        return found[-1] if found else None
