"""Events published by the sessions service."""

from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register
from shared.vocabulary import (
    CLOSED_REASONS,
    CSSRS_RISK_LEVELS,
    EPISODE_STATUSES,
    MODALITIES,
    PHASES,
    PROGRAMS,
    RISK_SOURCES,
    RISK_URGENCIES,
    TRACKS,
)


class EpisodeOpenedV1(Schema):
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(EPISODE_STATUSES))
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    opened_at = fields.AwareDateTime(required=True, format="iso")


register(
    EventContract(
        type="sessions.episode.opened",
        version=1,
        schema=EpisodeOpenedV1,
        description="A treatment episode was opened for a client (pending until admission).",
        consumers=("outcomes",),
        example={
            "episode_id": "0b7d4c1e-5a8f-4e3b-9c2d-1f6e7a8b9c0d",
            "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
            "status": "pending",
            "program": "co_occurring",
            "opened_at": "2026-11-26T09:00:02+00:00",
        },
    ),
)


class EpisodeActivatedV1(Schema):
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    track = fields.String(required=True, validate=validate.OneOf(TRACKS))
    activated_at = fields.AwareDateTime(required=True, format="iso")


register(
    EventContract(
        type="sessions.episode.activated",
        version=1,
        schema=EpisodeActivatedV1,
        description="Admission made the client's episode active on a track; the IPT course can be planned.",
        example={
            "episode_id": "0b7d4c1e-5a8f-4e3b-9c2d-1f6e7a8b9c0d",
            "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
            "program": "co_occurring",
            "track": "individual",
            "activated_at": "2026-11-26T12:00:00+00:00",
        },
    ),
)


class EpisodeAssignedV1(Schema):
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    clinician_id = fields.String(required=True)
    previous_clinician_id = fields.String(required=True, allow_none=True)
    assigned_at = fields.AwareDateTime(required=True, format="iso")
    assigned_by = fields.String(required=True)


class EpisodePhaseChangedV1(Schema):
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    clinician_id = fields.String(required=True, allow_none=True)
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    previous_phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    next_session_number = fields.Integer(required=True)
    changed_at = fields.AwareDateTime(required=True, format="iso")


class EpisodeClosedV1(Schema):
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    clinician_id = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, validate=validate.OneOf(CLOSED_REASONS))
    attended_sessions = fields.Integer(required=True)
    closed_at = fields.AwareDateTime(required=True, format="iso")


_EPISODE = "0b7d4c1e-5a8f-4e3b-9c2d-1f6e7a8b9c0d"
_CLIENT = "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77"

register(
    EventContract(
        type="sessions.episode.assigned",
        version=1,
        schema=EpisodeAssignedV1,
        description="A clinician took the client on, at admission or reassigned by a supervisor: the caseload "
        "every other service learns from (never a call on the request path).",
        consumers=("outcomes", "notifications", "intake"),
        example={
            "episode_id": _EPISODE,
            "client_id": _CLIENT,
            "program": "co_occurring",
            "clinician_id": "dr-rivera",
            "previous_clinician_id": None,
            "assigned_at": "2026-11-26T12:00:01+00:00",
            "assigned_by": "sessions",
        },
    ),
    EventContract(
        type="sessions.episode.phase_changed",
        version=1,
        schema=EpisodePhaseChangedV1,
        description="The course moved to another IPT phase (the phase of the next session).",
        example={
            "episode_id": _EPISODE,
            "client_id": _CLIENT,
            "clinician_id": "dr-rivera",
            "phase": "middle",
            "previous_phase": "initial",
            "next_session_number": 4,
            "changed_at": "2026-12-17T10:50:00+00:00",
        },
    ),
    EventContract(
        type="sessions.episode.closed",
        version=1,
        schema=EpisodeClosedV1,
        description="The episode closed: completed, dropped out or referred on.",
        consumers=("outcomes", "notifications", "intake"),
        example={
            "episode_id": _EPISODE,
            "client_id": _CLIENT,
            "clinician_id": "dr-rivera",
            "reason": "completed",
            "attended_sessions": 12,
            "closed_at": "2027-02-25T11:00:00+00:00",
        },
    ),
)


class SessionV1(Schema):
    """What every session event carries: enough for a reminder or a caseload view."""

    session_id = fields.String(required=True)
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    clinician_id = fields.String(required=True)
    number = fields.Integer(required=True)
    start = fields.AwareDateTime(required=True, format="iso")
    end = fields.AwareDateTime(required=True, format="iso")
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES))


class SessionRescheduledV1(SessionV1):
    previous_start = fields.AwareDateTime(required=True, format="iso")


class SessionCancelledV1(SessionV1):
    cancelled_by = fields.String(required=True, validate=validate.OneOf(("client", "clinic")))
    late_cancellation = fields.Boolean(required=True)


_SESSION = {
    "session_id": "7c6b5a49-3827-4615-a504-f3e2d1c0b9a8",
    "episode_id": _EPISODE,
    "client_id": _CLIENT,
    "clinician_id": "dr-rivera",
    "number": 1,
    "start": "2026-12-03T15:00:00+00:00",
    "end": "2026-12-03T15:50:00+00:00",
    "modality": "in_person",
}

register(
    EventContract(
        type="sessions.session.scheduled",
        version=1,
        schema=SessionV1,
        description="A session was booked (one event per session of a series).",
        consumers=("notifications", "outcomes"),
        example=_SESSION,
    ),
    EventContract(
        type="sessions.session.rescheduled",
        version=1,
        schema=SessionRescheduledV1,
        description="A session moved: `start` and `end` are the new times, `previous_start` the old one.",
        consumers=("notifications", "outcomes"),
        example=_SESSION
        | {
            "start": "2026-12-04T15:00:00+00:00",
            "end": "2026-12-04T15:50:00+00:00",
            "previous_start": "2026-12-03T15:00:00+00:00",
        },
    ),
    EventContract(
        type="sessions.session.cancelled",
        version=1,
        schema=SessionCancelledV1,
        description="A session was cancelled by the client or the clinic; `late_cancellation` when under 24 hours.",
        consumers=("notifications", "outcomes"),
        example=_SESSION | {"cancelled_by": "client", "late_cancellation": False},
    ),
    EventContract(
        type="sessions.session.attended",
        version=1,
        schema=SessionV1,
        description="The client attended the session (recorded once it had started).",
        consumers=("outcomes",),
        example=_SESSION,
    ),
    EventContract(
        type="sessions.session.no_show",
        version=1,
        schema=SessionV1,
        description="The client did not come to the session.",
        consumers=("notifications",),
        example=_SESSION,
    ),
)


class MeasureRecordedV1(Schema):
    measure_id = fields.String(required=True)
    session_id = fields.String(required=True)
    episode_id = fields.String(required=True)
    client_id = fields.String(required=True)
    clinician_id = fields.String(required=True)
    session_number = fields.Integer(required=True)
    instrument = fields.String(required=True)
    version = fields.String(required=True)
    total = fields.Integer(required=True, allow_none=True)
    severity = fields.String(required=True, allow_none=True)
    positive = fields.Boolean(required=True)
    risk_level = fields.String(required=True, allow_none=True, validate=validate.OneOf(CSSRS_RISK_LEVELS))
    flags = fields.List(fields.String(), required=True)
    risk_urgency = fields.String(required=True, allow_none=True, validate=validate.OneOf(RISK_URGENCIES))
    risk_source = fields.String(required=True, allow_none=True, validate=validate.OneOf(RISK_SOURCES))
    administered_at = fields.AwareDateTime(required=True, format="iso")
    # Added in v1 as an optional field: events published before it carry none.
    cutoff = fields.Integer(load_default=None, allow_none=True, metadata={"description": "The cut-off in force"})


register(
    EventContract(
        type="sessions.measure.recorded",
        version=1,
        schema=MeasureRecordedV1,
        description="A measure given in a session was scored (scores only; the answers stay in sessions). "
        "`risk_urgency` is set when it shows suicide risk by the same rule as intake, which then raises the "
        "flag; a corrected record publishes the measure again under the same `measure_id`. `cutoff` is the cut-off "
        "in force for `positive` (null where the instrument has none).",
        consumers=("intake", "outcomes"),
        example={
            "measure_id": "7c6b5a49-3827-4615-a504-f3e2d1c0b9a8:phq9",
            "session_id": "7c6b5a49-3827-4615-a504-f3e2d1c0b9a8",
            "episode_id": _EPISODE,
            "client_id": _CLIENT,
            "clinician_id": "dr-rivera",
            "session_number": 4,
            "instrument": "phq9",
            "version": "1.0",
            "total": 11,
            "severity": "moderate",
            "positive": True,
            "risk_level": None,
            "flags": ["suicidal_ideation"],
            "risk_urgency": "high",
            "risk_source": "phq9_item9",
            "administered_at": "2026-12-17T10:30:00+00:00",
            "cutoff": 10,
        },
    ),
)


class AlertAcknowledgedInWorkspaceV1(Schema):
    alert_id = fields.String(required=True)
    client_id = fields.String(required=True)
    acknowledged_by = fields.String(required=True)
    acknowledged_at = fields.AwareDateTime(required=True, format="iso")


register(
    EventContract(
        type="sessions.alert.acknowledged",
        version=1,
        schema=AlertAcknowledgedInWorkspaceV1,
        description="A clinician the risk alert reached took it on in the clinician workspace; notifications "
        "acknowledges the alert (it stops escalating) and announces `notifications.alert.acknowledged`.",
        consumers=("notifications",),
        example={
            "alert_id": "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
            "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
            "acknowledged_by": "dr-rivera",
            "acknowledged_at": "2026-12-01T10:04:00+00:00",
        },
    ),
)


class SupervisorChangedV1(Schema):
    clinician_id = fields.String(required=True)
    supervisor_id = fields.String(required=True, allow_none=True)
    previous_supervisor_id = fields.String(required=True, allow_none=True)
    changed_at = fields.AwareDateTime(required=True, format="iso")


register(
    EventContract(
        type="sessions.clinician.supervisor_changed",
        version=1,
        schema=SupervisorChangedV1,
        description="A clinician's supervisor was set, changed or removed in their profile (`supervisor_id` "
        "null: nobody supervises them). Intake, outcomes and notifications keep each supervisor's team from "
        "it, so a supervisor sees their own team's clients in every service. About staff, so keyed by the "
        "clinician's id; it names no client.",
        consumers=("intake", "outcomes", "notifications"),
        subject="clinician_id",
        example={
            "clinician_id": "dr-rivera",
            "supervisor_id": "sup-okafor",
            "previous_supervisor_id": None,
            "changed_at": "2026-12-01T09:00:00+00:00",
        },
    ),
)
