"""The intake work queue: what each waiting client needs next, the most pressing first.

Open risk flags come first (urgent before high), then screenings to start or finish, then
clients whose screenings are done and who wait for consent or admission: nobody drops off the
queue until they are admitted with no open flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.intake.domain.risk import RiskFlag

# Baseline screenings each program needs before admission (a per-program setting).
BASELINE_SCREENINGS: dict[str, tuple[str, ...]] = {
    "mental_health": ("phq9", "gad7"),
    "substance_use": ("phq9", "audit", "dast10"),
    "co_occurring": ("phq9", "gad7", "audit", "dast10"),
}
RISK, NEW_REFERRAL, SCREENING_DUE = "open_risk_flag", "new_referral", "screenings_due"
READY_FOR_CONSENT, READY_FOR_ADMISSION = "ready_for_consent", "ready_for_admission"
_RANK = {RISK: 0, SCREENING_DUE: 1, NEW_REFERRAL: 2, READY_FOR_CONSENT: 3, READY_FOR_ADMISSION: 4}
_URGENCY_RANK = {"urgent": 0, "high": 1}

# The stages staff filter by, and the kinds of entry in each.
STAGES: dict[str, tuple[str, ...]] = {
    "risk": (RISK,),
    "new": (NEW_REFERRAL,),
    "screening": (SCREENING_DUE,),
    "ready": (READY_FOR_CONSENT, READY_FOR_ADMISSION),
}


class Waiting(Protocol):
    """What the queue needs to know of a client (the intake Client has it)."""

    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def program(self) -> str: ...
    @property
    def registered_at(self) -> datetime: ...
    @property
    def open_risk_flags(self) -> list[RiskFlag]: ...
    def has_treatment_consent(self, today: date) -> bool: ...


@dataclass(frozen=True)
class QueueEntry:
    client_id: str
    kind: str
    since: datetime
    urgency: str | None = None
    due: tuple[str, ...] = ()

    @property
    def stage(self) -> str:
        return next(stage for stage, kinds in STAGES.items() if self.kind in kinds)


def due_screenings(program: str, done: set[str]) -> tuple[str, ...]:
    return tuple(code for code in BASELINE_SCREENINGS.get(program, ()) if code not in done)


def entry_for(client: Waiting, done: set[str], today: date) -> QueueEntry | None:
    """What needs doing for one client, most pressing first; None when nothing does."""
    flags = client.open_risk_flags
    if flags:
        worst = min(flags, key=lambda f: (_URGENCY_RANK.get(f.urgency, 9), f.raised_at))
        return QueueEntry(client.id, RISK, worst.raised_at, urgency=worst.urgency)
    if client.status == "admitted":
        return None
    due = due_screenings(client.program, done)
    if not done:
        return QueueEntry(client.id, NEW_REFERRAL, client.registered_at, due=due)
    if due:
        return QueueEntry(client.id, SCREENING_DUE, client.registered_at, due=due)
    kind = READY_FOR_ADMISSION if client.has_treatment_consent(today) else READY_FOR_CONSENT
    return QueueEntry(client.id, kind, client.registered_at)


def ordered(entries: list[QueueEntry]) -> list[QueueEntry]:
    return sorted(entries, key=lambda e: (_RANK[e.kind], _URGENCY_RANK.get(e.urgency or "", 9), e.since))
