"""Group IPT: one clinician (often with a co-facilitator) and around 6-9 members meeting for a
course of 8-16 sessions; each member first has an individual pre-group meeting.

The group keeps its meeting times; each member holds their own session at every meeting, so
attendance, reminders and the member's course (phase) work as for individual sessions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.sessions.domain.schedule import Slot
from shared.domain import Aggregate
from shared.errors import Conflict, Invalid
from shared.vocabulary import MODALITIES, PROGRAMS

CAPACITY_RANGE = (2, 12)


@dataclass(frozen=True)
class Meeting:
    number: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Member:
    episode_id: str
    client_id: str
    joined_at: datetime
    pre_group_session_id: str | None = None


@dataclass
class Group(Aggregate):
    id: str
    name: str
    program: str
    clinician_id: str
    co_facilitator_id: str | None
    capacity: int
    modality: str
    meetings: list[Meeting]
    members: list[Member] = field(default_factory=list)
    version: int = 0

    @classmethod
    def create(
        cls,
        *,
        name: str,
        program: str,
        clinician_id: str,
        co_facilitator_id: str | None,
        capacity: object,
        modality: str,
        slots: list[Slot],
    ) -> Group:
        errors: dict[str, list[str]] = {}
        if not name.strip():
            errors["name"] = ["Give the group a name staff will recognise."]
        if program not in PROGRAMS:
            errors["program"] = [f"Must be one of: {', '.join(PROGRAMS)}."]
        low, high = CAPACITY_RANGE
        size = capacity if isinstance(capacity, int) and not isinstance(capacity, bool) else 0
        if not low <= size <= high:
            errors["capacity"] = [f"A group has {low} to {high} places."]
        if modality not in MODALITIES:
            errors["modality"] = [f"Must be one of: {', '.join(MODALITIES)}."]
        if co_facilitator_id is not None and co_facilitator_id == clinician_id:
            errors["co_facilitator_id"] = ["The co-facilitator is someone other than the clinician."]
        if errors:
            raise Invalid(errors)
        meetings = [Meeting(number, slot.start, slot.end) for number, slot in enumerate(slots, start=1)]
        return cls(
            id=str(uuid.uuid4()),
            name=name.strip(),
            program=program,
            clinician_id=clinician_id,
            co_facilitator_id=co_facilitator_id,
            capacity=size,
            modality=modality,
            meetings=meetings,
        )

    @property
    def facilitators(self) -> tuple[str, ...]:
        return tuple(c for c in (self.clinician_id, self.co_facilitator_id) if c)

    @property
    def places_left(self) -> int:
        return self.capacity - len(self.members)

    def admit(self, episode_id: str, client_id: str, program: str, now: datetime) -> Member:
        """Takes a member in: refused when the group is full, the client's program differs, or they
        are in already."""
        if any(m.episode_id == episode_id for m in self.members):
            raise Conflict("This client is already a member of the group.")
        if program != self.program:
            raise Conflict(f"This group is for the {self.program} program; the client is in {program}.")
        if self.places_left <= 0:
            raise Conflict(f"The group is full ({self.capacity} places).")
        member = Member(episode_id, client_id, now)
        self.members.append(member)
        return member

    def record_pre_group(self, episode_id: str, session_id: str) -> None:
        self.members = [
            Member(m.episode_id, m.client_id, m.joined_at, session_id) if m.episode_id == episode_id else m
            for m in self.members
        ]

    def meetings_from(self, now: datetime) -> list[Meeting]:
        """The meetings a member joining now takes part in: those not yet over."""
        return [meeting for meeting in self.meetings if meeting.end > now]
