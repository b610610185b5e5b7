"""Events published by the outcomes service: scores, what they add up to, and what to act on.

Identifiers and scores only: no names, answers or free text.
"""

from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register
from shared.vocabulary import (
    MEASURE_SOURCES,
    OUTCOME_ALERT_KINDS,
    OUTCOME_STATUSES,
    RISK_SOURCES,
    RISK_URGENCIES,
    SELF_REPORT_WITHDRAWN_REASONS,
    STATUS_CHANGES,
)


class ScoreRecordedV1(Schema):
    measure_id = fields.String(required=True)
    client_id = fields.String(required=True)
    episode_id = fields.String(required=True, allow_none=True)
    session_number = fields.Integer(required=True, allow_none=True)
    instrument = fields.String(required=True)
    version = fields.String(required=True)
    total = fields.Integer(required=True, allow_none=True)
    severity = fields.String(required=True, allow_none=True)
    positive = fields.Boolean(required=True)
    cutoff = fields.Integer(required=True, allow_none=True)
    flags = fields.List(fields.String(), required=True)
    source = fields.String(required=True, validate=validate.OneOf(MEASURE_SOURCES))
    administered_at = fields.AwareDateTime(required=True, format="iso")
    # Added in v1 as optional fields: the suicide-risk finding of a measure scored here (outside a
    # session, or self-reported), which intake turns into a risk flag as it does its own.
    risk_urgency = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(RISK_URGENCIES))
    risk_source = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(RISK_SOURCES))


class StatusChangedV1(Schema):
    client_id = fields.String(required=True)
    episode_id = fields.String(required=True)
    clinician_id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(OUTCOME_STATUSES))
    change = fields.String(required=True, validate=validate.OneOf(STATUS_CHANGES))
    measure_id = fields.String(required=True)
    rule_set = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True, format="iso")


class AlertRaisedV1(Schema):
    alert_id = fields.String(required=True)
    client_id = fields.String(required=True)
    episode_id = fields.String(required=True)
    clinician_id = fields.String(required=True, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(OUTCOME_ALERT_KINDS))
    instrument = fields.String(required=True, allow_none=True)
    measure_id = fields.String(required=True, allow_none=True)
    session_number = fields.Integer(required=True, allow_none=True)
    rule_set = fields.String(required=True)
    raised_at = fields.AwareDateTime(required=True, format="iso")


class SelfReportOfferedV1(Schema):
    offer_id = fields.String(required=True)
    client_id = fields.String(required=True)
    episode_id = fields.String(required=True)
    session_id = fields.String(required=True, allow_none=True)
    session_start = fields.AwareDateTime(required=True, format="iso", allow_none=True)
    instruments = fields.List(fields.String(), required=True)
    link = fields.String(required=True)
    available_from = fields.AwareDateTime(required=True, format="iso")
    expires_at = fields.AwareDateTime(required=True, format="iso")
    offered_at = fields.AwareDateTime(required=True, format="iso")


class SelfReportWithdrawnV1(Schema):
    offer_id = fields.String(required=True)
    client_id = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(SELF_REPORT_WITHDRAWN_REASONS))
    withdrawn_at = fields.AwareDateTime(required=True, format="iso")


_CLIENT = "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77"
_EPISODE = "0b7d4c1e-5a8f-4e3b-9c2d-1f6e7a8b9c0d"
_MEASURE = "7c6b5a49-3827-4615-a504-f3e2d1c0b9a8:phq9"
_RULE_SET = "nhs-talking-therapies+jacobson-truax/v1"

register(
    EventContract(
        type="outcomes.score.recorded",
        version=1,
        schema=ScoreRecordedV1,
        consumers=("intake",),
        description="Outcomes recorded a scored measure: a screening at intake, a measure in a session, one "
        "taken outside a session, or one the client answered on a self-report link (`source`). `episode_id` is the "
        "episode it counts towards (null when the client had none open); a corrected measure is recorded again under "
        "the same `measure_id`.",
        example={
            "measure_id": _MEASURE,
            "client_id": _CLIENT,
            "episode_id": _EPISODE,
            "session_number": 4,
            "instrument": "phq9",
            "version": "1.0",
            "total": 11,
            "severity": "moderate",
            "positive": True,
            "cutoff": 10,
            "flags": [],
            "source": "session",
            "administered_at": "2026-12-17T10:30:00+00:00",
            "risk_urgency": None,
            "risk_source": None,
        },
    ),
    EventContract(
        type="outcomes.status.changed",
        version=1,
        schema=StatusChangedV1,
        consumers=("sessions",),
        description="An episode reached or lost response (PHQ-9 fell by at least 50 %), remission (PHQ-9 below 5) "
        "or recovery (NHS Talking Therapies: at caseness at the start, below both cut-offs now) under `rule_set`; "
        "`measure_id` is the measure that changed it.",
        example={
            "client_id": _CLIENT,
            "episode_id": _EPISODE,
            "clinician_id": "dr-rivera",
            "status": "response",
            "change": "reached",
            "measure_id": _MEASURE,
            "rule_set": _RULE_SET,
            "changed_at": "2026-12-17T10:30:00+00:00",
        },
    ),
    EventContract(
        type="outcomes.alert.raised",
        version=1,
        schema=AlertRaisedV1,
        consumers=("sessions", "notifications"),
        description="A clinical alert for the episode's clinician: `reliable_deterioration` (on `instrument`), "
        "`off_track` (no reliable improvement by the configured session), `phq9_item9_positive` (item 9 newly "
        "above 0 during treatment) or `measures_missed` (no measure in several attended sessions in a row). "
        "Raised once per kind (and instrument) per episode; `alert_id` is the same for the same condition.",
        example={
            "alert_id": "3f2e1d0c-9b8a-5c7d-8e6f-5a4b3c2d1e0f",
            "client_id": _CLIENT,
            "episode_id": _EPISODE,
            "clinician_id": "dr-rivera",
            "kind": "reliable_deterioration",
            "instrument": "phq9",
            "measure_id": _MEASURE,
            "session_number": 4,
            "rule_set": _RULE_SET,
            "raised_at": "2026-12-17T10:30:00+00:00",
        },
    ),
    EventContract(
        type="outcomes.self_report.offered",
        version=1,
        schema=SelfReportOfferedV1,
        description="Measures due before a session (`instruments`) are offered to the client through a one-time "
        "`link` to a phone-friendly page with no sign-in and no name on it, usable from `available_from` until "
        "`expires_at`. Notifications sends the link (and its reminder) on the client's channel. The link is a "
        "credential for that one form: never log or display it beyond the message to the client.",
        consumers=("notifications",),
        example={
            "offer_id": "5d4c3b2a-1908-4f7e-8d6c-5b4a39281706",
            "client_id": _CLIENT,
            "episode_id": _EPISODE,
            "session_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "session_start": "2026-12-17T10:00:00+00:00",
            "instruments": ["phq9", "gad7"],
            "link": "http://127.0.0.1:8003/r/Xk3v9QeZr2YwLs8TnA4bUc",
            "available_from": "2026-12-15T10:00:00+00:00",
            "expires_at": "2026-12-19T10:00:00+00:00",
            "offered_at": "2026-12-10T09:00:00+00:00",
        },
    ),
    EventContract(
        type="outcomes.self_report.withdrawn",
        version=1,
        schema=SelfReportWithdrawnV1,
        description="An offered self-report link needs no more messages: the client completed it, it expired, or "
        "its session was cancelled. Notifications withdraws what it has not yet sent for `offer_id`.",
        consumers=("notifications",),
        example={
            "offer_id": "5d4c3b2a-1908-4f7e-8d6c-5b4a39281706",
            "client_id": _CLIENT,
            "reason": "completed",
            "withdrawn_at": "2026-12-16T18:20:00+00:00",
        },
    ),
)
