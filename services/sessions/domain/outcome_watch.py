"""What outcomes has concluded about an episode, as sessions learns it from outcomes' events:
the statuses reached (response, remission, recovery) and the clinical alerts to act on, for the
chart and the caseload. Outcomes decides; sessions only shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class OutcomeAlert:
    alert_id: str
    kind: str  # reliable_deterioration, off_track, phq9_item9_positive, measures_missed
    instrument: str | None
    session_number: int | None
    raised_at: datetime


@dataclass(frozen=True)
class StatusState:
    reached: bool
    at: datetime


@dataclass
class OutcomeWatch:
    """One per episode; kept as a projection (replaced whole on each event)."""

    episode_id: str
    client_id: str
    statuses: dict[str, StatusState] = field(default_factory=dict)
    alerts: list[OutcomeAlert] = field(default_factory=list)

    def status_changed(self, status: str, change: str, at: datetime) -> None:
        """The latest word on each status wins; an older event arriving late changes nothing."""
        known = self.statuses.get(status)
        if known is None or known.at <= at:
            self.statuses[status] = StatusState(reached=change == "reached", at=at)

    def alert_raised(self, alert: OutcomeAlert) -> None:
        if all(a.alert_id != alert.alert_id for a in self.alerts):
            self.alerts.append(alert)

    @property
    def reached(self) -> list[str]:
        return [status for status, state in self.statuses.items() if state.reached]
