"""One therapy session of an episode, from booking to attended, no-show or cancelled.

The status only moves forward from "scheduled": once a session is attended, missed or cancelled
that is the record, and a new session is booked instead of reviving it.

    scheduled --reschedule--> scheduled
    scheduled --mark_attended--> attended    (once the start has passed)
    scheduled --mark_no_show--> no_show      (once the start has passed)
    scheduled --cancel--> cancelled          (late with less than 24 hours' notice)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from services.sessions.domain.schedule import DURATION_RANGE, Slot, as_utc
from services.sessions.domain.session_events import (
    MeasureRecorded,
    SessionAttended,
    SessionCancelled,
    SessionNoShow,
    SessionRescheduled,
    SessionScheduled,
)
from services.sessions.domain.session_record import SessionRecord, check_record
from shared.domain import Aggregate
from shared.errors import Conflict, Invalid

SCHEDULED, ATTENDED, NO_SHOW, CANCELLED = "scheduled", "attended", "no_show", "cancelled"
SESSION_STATUSES = (SCHEDULED, ATTENDED, NO_SHOW, CANCELLED)
IN_PERSON, VIDEO, PHONE = "in_person", "video", "phone"
MODALITIES = (IN_PERSON, VIDEO, PHONE)
BY_CLIENT, BY_CLINIC = "client", "clinic"
CANCELLED_BY = (BY_CLIENT, BY_CLINIC)
# Less notice than this makes a cancellation late (exactly 24 hours is in time).
LATE_CANCELLATION_NOTICE = timedelta(hours=24)
COURSE, GROUP, PRE_GROUP = "course", "group", "pre_group"  # what a session is (see Session.kind)

# How a finished status reads in "This session is ...: only a scheduled session can be ...".
_FINISHED = {ATTENDED: "already marked attended", NO_SHOW: "already marked a no-show", CANCELLED: "cancelled"}


class _Facts(TypedDict):
    """The fields every session event carries, so each event is built from one place."""

    session_id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str


@dataclass
class Session(Aggregate):
    """`start` and `end` are aware UTC datetimes; `number` counts from 1 within the episode (or
    the group, when `group_id` is set)."""

    id: str
    episode_id: str
    client_id: str
    clinician_id: str
    number: int
    start: datetime
    end: datetime
    modality: str
    status: str
    cancelled_by: str | None = None
    late_cancellation: bool = False
    version: int = 0
    group_id: str | None = None
    record: SessionRecord | None = None
    # "course": one of the episode's numbered IPT sessions; "group": the member's place at a group
    # meeting (also a course session); "pre_group": the individual meeting before a group starts.
    kind: str = "course"

    @classmethod
    def schedule(
        cls,
        *,
        episode_id: str,
        client_id: str,
        clinician_id: str,
        number: int,
        start: datetime,
        end: datetime,
        modality: str,
        group_id: str | None = None,
        kind: str = "course",
    ) -> Session:
        """Books a session (conflicts and the start window are the caller's to check first, with
        `schedule.conflicts` and `schedule.check_start_window`: a course begun on paper may have
        sessions in the past). Raises `Invalid` naming each bad field: `number` (from 1),
        `modality`, `start`/`end` (aware, end after start), `duration_minutes` (15-240)."""
        slot = _check_booking(number, start, end, modality)
        session = cls(
            id=str(uuid.uuid4()),
            episode_id=episode_id,
            client_id=client_id,
            clinician_id=clinician_id,
            number=number,
            start=slot.start,
            end=slot.end,
            modality=modality,
            status=SCHEDULED,
            group_id=group_id,
            kind=kind,
        )
        session.raise_event(SessionScheduled(**session._facts()))
        return session

    @property
    def slot(self) -> Slot:
        """The time the session takes, for conflict checks."""
        return Slot(self.start, self.end)

    @property
    def blocks_time(self) -> bool:
        """Whether the session still holds its time: everything but a cancelled one does."""
        return self.status != CANCELLED

    def document(self, record: SessionRecord) -> None:
        """The clinician's record of an attended session; documenting again replaces it. Each
        measure given in the session is published (a corrected one again, under the same id)."""
        if self.status != ATTENDED:
            raise Conflict("Only an attended session is documented; mark it attended first.")
        check_record(record.phase, record.focus)
        self.record = record
        for measure in record.measures:
            self.raise_event(
                MeasureRecorded(
                    measure_id=measure.id,
                    session_id=self.id,
                    episode_id=self.episode_id,
                    client_id=self.client_id,
                    clinician_id=self.clinician_id,
                    session_number=self.number,
                    instrument=measure.instrument,
                    version=measure.version,
                    total=measure.total,
                    severity=measure.severity,
                    positive=measure.positive,
                    risk_level=measure.risk_level,
                    flags=tuple(measure.flags),
                    risk_urgency=measure.risk_urgency,
                    risk_source=measure.risk_source,
                    administered_at=measure.administered_at,
                    cutoff=measure.details.get("cutoff"),
                )
            )

    def reschedule(self, new_start: datetime, now: datetime) -> None:
        """Moves a scheduled session to a time that has not passed, keeping its duration.
        Moving it to the time it already has changes nothing and raises no event.
        Raises `Conflict` unless scheduled, `Invalid({"start": ...})` for a naive or past time."""
        self._require_scheduled("rescheduled")
        start = as_utc(new_start, "start")
        if start < as_utc(now, "now"):
            raise Invalid({"start": ["A session can only be moved to a time that has not passed yet."]})
        if start == self.start:
            return
        previous_start = self.start
        self.start, self.end = start, start + (self.end - self.start)
        self.raise_event(SessionRescheduled(**self._facts(), previous_start=previous_start))

    def mark_attended(self, now: datetime) -> None:
        """The client came. Raises `Conflict` unless scheduled, or before the start."""
        self._require_started_and_scheduled("marked attended", now)
        self.status = ATTENDED
        self.raise_event(SessionAttended(**self._facts()))

    def mark_no_show(self, now: datetime) -> None:
        """The client did not come and did not cancel. Raises `Conflict` unless scheduled, or
        before the start."""
        self._require_started_and_scheduled("marked a no-show", now)
        self.status = NO_SHOW
        self.raise_event(SessionNoShow(**self._facts()))

    def cancel(self, by: str, now: datetime) -> None:
        """Cancels a scheduled session; with less than 24 hours' notice (or after the start) it
        is a late cancellation, whoever cancelled: consumers read `cancelled_by` alongside.
        Raises `Invalid({"cancelled_by": ...})` for an unknown canceller, `Conflict` unless
        scheduled."""
        if by not in CANCELLED_BY:
            raise Invalid({"cancelled_by": [f"Must be one of: {', '.join(CANCELLED_BY)}."]})
        self._require_scheduled("cancelled")
        self.status, self.cancelled_by = CANCELLED, by
        self.late_cancellation = self.start - as_utc(now, "now") < LATE_CANCELLATION_NOTICE
        self.raise_event(SessionCancelled(**self._facts(), cancelled_by=by, late_cancellation=self.late_cancellation))

    def _require_scheduled(self, action: str) -> None:
        if self.status != SCHEDULED:
            # `session_status`, not `status`: the details are spread into the 409 body beside its own `status`.
            raise Conflict(
                f"This session is {_FINISHED.get(self.status, self.status)}: only a scheduled session can be {action}.",
                session_status=self.status,
            )

    def _require_started_and_scheduled(self, action: str, now: datetime) -> None:
        self._require_scheduled(action)
        if as_utc(now, "now") < self.start:
            raise Conflict(f"A session cannot be {action} before it has started.", start=self.start.isoformat())

    def _facts(self) -> _Facts:
        return _Facts(
            session_id=self.id,
            episode_id=self.episode_id,
            client_id=self.client_id,
            clinician_id=self.clinician_id,
            number=self.number,
            start=self.start,
            end=self.end,
            modality=self.modality,
        )


def _check_booking(number: int, start: datetime, end: datetime, modality: str) -> Slot:
    """The session's slot, or `Invalid` naming every bad field at once."""
    errors: dict[str, list[str]] = {}
    if number < 1:
        errors["number"] = ["Sessions are numbered from 1."]
    if modality not in MODALITIES:
        errors["modality"] = [f"Must be one of: {', '.join(MODALITIES)}."]
    try:
        slot: Slot | None = Slot(start, end)
    except Invalid as invalid:
        errors.update(invalid.errors)
        slot = None
    if slot is not None and not _minutes(DURATION_RANGE[0]) <= slot.duration <= _minutes(DURATION_RANGE[1]):
        errors["duration_minutes"] = [f"A session lasts {DURATION_RANGE[0]} to {DURATION_RANGE[1]} minutes."]
    if errors or slot is None:
        raise Invalid(errors)
    return slot


def _minutes(count: int) -> timedelta:
    return timedelta(minutes=count)
