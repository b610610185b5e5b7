"""The intake work queue: open risk flags first, then screenings due, then new referrals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.intake.domain.client import Client

# Baseline screenings each program needs before admission (a per-program setting).
BASELINE_SCREENINGS: dict[str, tuple[str, ...]] = {
    "mental_health": ("phq9", "gad7"),
    "substance_use": ("phq9", "audit", "dast10"),
    "co_occurring": ("phq9", "gad7", "audit", "dast10"),
}
RISK, SCREENING_DUE, NEW_REFERRAL = "open_risk_flag", "screenings_due", "new_referral"
_RANK = {RISK: 0, SCREENING_DUE: 1, NEW_REFERRAL: 2}
_URGENCY_RANK = {"urgent": 0, "high": 1}


@dataclass(frozen=True)
class QueueEntry:
    client_id: str
    kind: str
    since: datetime
    urgency: str | None = None
    due: tuple[str, ...] = ()


def due_screenings(program: str, done: set[str]) -> tuple[str, ...]:
    return tuple(code for code in BASELINE_SCREENINGS.get(program, ()) if code not in done)


def entry_for(client: Client, done: set[str]) -> QueueEntry | None:
    """What needs doing for one client, most pressing first; None when nothing does."""
    flags = client.open_risk_flags
    if flags:
        worst = min(flags, key=lambda f: (_URGENCY_RANK.get(f.urgency, 9), f.raised_at))
        return QueueEntry(client.id, RISK, worst.raised_at, urgency=worst.urgency)
    if client.status == "admitted":
        return None
    due = due_screenings(client.registration.program, done)
    if not done:
        return QueueEntry(client.id, NEW_REFERRAL, client.registered_at, due=due)
    if due:
        return QueueEntry(client.id, SCREENING_DUE, client.registered_at, due=due)
    return None


def ordered(entries: list[QueueEntry]) -> list[QueueEntry]:
    return sorted(entries, key=lambda e: (_RANK[e.kind], _URGENCY_RANK.get(e.urgency or "", 9), e.since))
