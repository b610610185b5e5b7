"""Request and response shapes of the sessions API (OpenAPI is generated from these)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.fields import StrictBoolean
from shared.vocabulary import (
    CLOSED_REASONS,
    FREQUENCIES,
    MODALITIES,
    PHASES,
    PROBLEM_AREAS,
    PROGRAMS,
    SESSION_STATUSES,
)

WORKING_HOURS_EXAMPLE = {"monday": [["09:00", "17:00"]], "tuesday": [["09:00", "12:00"], ["13:00", "17:00"]]}


class EpisodeQuery(Schema):
    client_id = fields.String(required=True, metadata={"description": "The client's id"})


class ProblemAreaSchema(Schema):
    area = fields.String()
    stage = fields.String(allow_none=True)


class EpisodeAdmissionSchema(Schema):
    track = fields.String()
    primary_problem_area = fields.Nested(ProblemAreaSchema)
    secondary_problem_area = fields.Nested(ProblemAreaSchema, allow_none=True)
    preferred_days = fields.List(fields.String())
    preferred_times = fields.List(fields.String())
    clinician_preference = fields.String(allow_none=True)
    admitted_at = fields.AwareDateTime(format="iso")


class EpisodeSchema(Schema):
    id = fields.String()
    client_id = fields.String()
    program = fields.String()
    status = fields.String(metadata={"description": "pending, active or closed"})
    opened_at = fields.AwareDateTime(format="iso")
    admission = fields.Nested(EpisodeAdmissionSchema, allow_none=True)
    clinician_id = fields.String(allow_none=True)
    track = fields.String(allow_none=True)
    problem_areas = fields.List(fields.Nested(ProblemAreaSchema))
    planned_sessions = fields.Integer(metadata={"description": "The contract agreed at the start (12 by default)"})
    attended_sessions = fields.Integer()
    phase = fields.String(
        metadata={"description": "Phase of the next session: initial, middle, termination, maintenance"}
    )
    maintenance = fields.Boolean()
    closed_reason = fields.String(allow_none=True)
    closed_at = fields.AwareDateTime(format="iso", allow_none=True)


class LatestScoreSchema(Schema):
    total = fields.Integer()
    severity = fields.String(allow_none=True)
    at = fields.AwareDateTime(format="iso")
    session_number = fields.Integer(allow_none=True)


class CaseloadEntrySchema(EpisodeSchema):
    open_risk = fields.String(
        allow_none=True, metadata={"description": "The client's worst open risk flag: urgent, high, or null"}
    )
    latest_phq9 = fields.Nested(LatestScoreSchema, allow_none=True)
    latest_gad7 = fields.Nested(LatestScoreSchema, allow_none=True)
    next_session = fields.AwareDateTime(format="iso", allow_none=True)


class EpisodeChangeSchema(Schema):
    clinician_id = fields.String(metadata={"description": "Assign or reassign (supervisor, admin)"})
    override = StrictBoolean(
        load_default=False, metadata={"description": "Assign even over the caseload limit or outside the programs"}
    )
    planned_sessions = fields.Integer(strict=True, metadata={"description": "8 to 16"})
    maintenance = StrictBoolean(metadata={"description": "Monthly continuation agreed after the acute course"})
    closed_reason = fields.String(validate=validate.OneOf(CLOSED_REASONS))


class ClinicianSchema(Schema):
    id = fields.String(required=True, metadata={"description": "The staff username (the `sub` of their token)"})
    name = fields.String(required=True)
    email = fields.String(required=True)
    time_zone = fields.String(required=True, metadata={"description": "IANA zone, e.g. Europe/London"})
    working_hours = fields.Raw(required=True, metadata={"example": WORKING_HOURS_EXAMPLE})
    caseload_limit = fields.Integer(required=True, strict=True)
    programs = fields.List(
        fields.String(), required=True, metadata={"description": "mental_health, substance_use, co_occurring"}
    )
    supervisor = fields.String(load_default=None, allow_none=True)


class CalendarLinkSchema(Schema):
    url = fields.String(metadata={"description": "…/calendar.ics?access_token=…: subscribe to it in a calendar app"})
    expires_at = fields.String(metadata={"description": "ISO 8601; make a new link before then"})


class ClinicianChangeSchema(Schema):
    name = fields.String()
    email = fields.String()
    time_zone = fields.String()
    working_hours = fields.Raw()
    caseload_limit = fields.Integer(strict=True)
    programs = fields.List(fields.String())
    supervisor = fields.String(allow_none=True)


class SeriesRequestSchema(Schema):
    start = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "ISO 8601 with offset; up to 90 days in the past"}
    )
    duration_minutes = fields.Integer(load_default=50, strict=True)
    count = fields.Integer(load_default=1, strict=True, metadata={"description": "1 to 52 sessions"})
    frequency = fields.String(load_default="weekly", validate=validate.OneOf(FREQUENCIES))
    modality = fields.String(required=True, validate=validate.OneOf(MODALITIES))


class SessionSchema(Schema):
    id = fields.String()
    episode_id = fields.String()
    client_id = fields.String()
    clinician_id = fields.String()
    number = fields.Integer()
    start = fields.AwareDateTime(format="iso")
    end = fields.AwareDateTime(format="iso")
    modality = fields.String()
    status = fields.String(metadata={"description": "scheduled, attended, no_show or cancelled"})
    cancelled_by = fields.String(allow_none=True)
    late_cancellation = fields.Boolean()
    group_id = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "course, group (a member's place at a group meeting) or pre_group"})
    record = fields.Nested("SessionRecordOutSchema", allow_none=True)


class MeasureInputSchema(Schema):
    instrument = fields.String(required=True, metadata={"description": "Instrument code, e.g. phq9"})
    answers = fields.List(fields.Raw(allow_none=True), required=True)
    extras = fields.Dict(load_default=dict, metadata={"description": 'e.g. {"difficulty": 1}'})


class MeasureSchema(Schema):
    id = fields.String()
    instrument = fields.String()
    version = fields.String()
    total = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    positive = fields.Boolean()
    risk_level = fields.String(allow_none=True)
    flags = fields.List(fields.String())
    risk_urgency = fields.String(allow_none=True)
    administered_at = fields.AwareDateTime(format="iso")


class SessionRecordSchema(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(PHASES))
    focus = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PROBLEM_AREAS))
    interventions = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list)
    homework = fields.String(load_default="", validate=validate.Length(max=2000))
    risk_review = fields.String(load_default="", validate=validate.Length(max=2000))
    measures = fields.List(fields.Nested(MeasureInputSchema), load_default=list, load_only=True)
    recorded_by = fields.String(dump_only=True)
    recorded_at = fields.AwareDateTime(format="iso", dump_only=True)


class SessionRecordOutSchema(SessionRecordSchema):
    measures = fields.List(fields.Nested(MeasureSchema), dump_only=True)


class SeriesSchema(Schema):
    sessions = fields.List(fields.Nested(SessionSchema))


class SessionChangeSchema(Schema):
    start = fields.AwareDateTime(format="iso", metadata={"description": "Reschedule to this start"})
    status = fields.String(validate=validate.OneOf(SESSION_STATUSES[1:]))
    cancelled_by = fields.String(validate=validate.OneOf(("client", "clinic")))


class RangeQuery(Schema):
    from_ = fields.AwareDateTime(required=True, format="iso", data_key="from")
    to = fields.AwareDateTime(required=True, format="iso")


class GroupRequestSchema(SeriesRequestSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    clinician_id = fields.String(required=True)
    co_facilitator_id = fields.String(load_default=None, allow_none=True)
    capacity = fields.Integer(required=True, strict=True, metadata={"description": "2 to 12 places"})
    count = fields.Integer(load_default=12, strict=True, metadata={"description": "8 to 16 meetings is usual"})


class MeetingSchema(Schema):
    number = fields.Integer()
    start = fields.AwareDateTime(format="iso")
    end = fields.AwareDateTime(format="iso")


class MemberSchema(Schema):
    episode_id = fields.String()
    client_id = fields.String()
    joined_at = fields.AwareDateTime(format="iso")
    pre_group_session_id = fields.String(allow_none=True)


class GroupSchema(Schema):
    id = fields.String()
    name = fields.String()
    program = fields.String()
    clinician_id = fields.String()
    co_facilitator_id = fields.String(allow_none=True)
    capacity = fields.Integer()
    places_left = fields.Integer()
    modality = fields.String()
    meetings = fields.List(fields.Nested(MeetingSchema))
    members = fields.List(fields.Nested(MemberSchema))


class NewMemberSchema(Schema):
    episode_id = fields.String(required=True)
    pre_group_start = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        format="iso",
        metadata={"description": "Book the individual pre-group meeting (50 minutes) at this time"},
    )


class MembershipSchema(Schema):
    group = fields.Nested(GroupSchema)
    sessions = fields.List(fields.Nested(SessionSchema))
