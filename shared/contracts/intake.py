"""Events published by the intake service."""

from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register
from shared.vocabulary import (
    CHANNELS,
    CONSENT_KINDS,
    CSSRS_RISK_LEVELS,
    DISPUTE_STAGES,
    PROBLEM_AREAS,
    PROGRAMS,
    RISK_SOURCES,
    RISK_URGENCIES,
    TRACKS,
)


class ContactSchema(Schema):
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)


class ClientDetails(Schema):
    """What other services are told of a client, at registration and at every correction."""

    client_id = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    date_of_birth = fields.Date(required=True)
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    contact = fields.Nested(ContactSchema, required=True)
    preferred_channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    registered_at = fields.AwareDateTime(required=True, format="iso")


class ClientRegisteredV1(ClientDetails):
    registered_by = fields.String(required=True)


class ClientUpdatedV1(ClientDetails):
    changed_fields = fields.List(fields.String(), required=True)
    updated_at = fields.AwareDateTime(required=True, format="iso")
    updated_by = fields.String(required=True)


class ScreeningCompletedV1(Schema):
    client_id = fields.String(required=True)
    screening_id = fields.String(required=True)
    instrument = fields.String(required=True)
    version = fields.String(required=True)
    total = fields.Integer(required=True, allow_none=True)
    severity = fields.String(required=True, allow_none=True)
    positive = fields.Boolean(required=True)
    risk_level = fields.String(required=True, allow_none=True, validate=validate.OneOf(CSSRS_RISK_LEVELS))
    flags = fields.List(fields.String(), required=True)
    administered_at = fields.AwareDateTime(required=True, format="iso")
    # Added in v1 as an optional field: events published before it carry none.
    cutoff = fields.Integer(load_default=None, allow_none=True, metadata={"description": "The cut-off in force"})


class RiskFlaggedV1(Schema):
    client_id = fields.String(required=True)
    flag_id = fields.String(required=True)
    urgency = fields.String(required=True, validate=validate.OneOf(RISK_URGENCIES))
    source = fields.String(required=True, validate=validate.OneOf(RISK_SOURCES))
    instrument = fields.String(required=True, allow_none=True)
    screening_id = fields.String(required=True, allow_none=True)
    raised_at = fields.AwareDateTime(required=True, format="iso")
    raised_by = fields.String(required=True)


class RiskClearedV1(Schema):
    client_id = fields.String(required=True)
    flag_id = fields.String(required=True)
    cleared_at = fields.AwareDateTime(required=True, format="iso")
    cleared_by = fields.String(required=True)


class ProblemAreaSchema(Schema):
    area = fields.String(required=True, validate=validate.OneOf(PROBLEM_AREAS))
    stage = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(DISPUTE_STAGES))


class ClientAdmittedV1(Schema):
    client_id = fields.String(required=True)
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    track = fields.String(required=True, validate=validate.OneOf(TRACKS))
    primary_problem_area = fields.Nested(ProblemAreaSchema, required=True)
    secondary_problem_area = fields.Nested(ProblemAreaSchema, required=True, allow_none=True)
    preferred_days = fields.List(fields.String(), required=True)
    preferred_times = fields.List(fields.String(), required=True)
    clinician_preference = fields.String(required=True, allow_none=True)
    admitted_at = fields.AwareDateTime(required=True, format="iso")


class ConsentRecordedV1(Schema):
    client_id = fields.String(required=True)
    consent_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONSENT_KINDS))
    signed_on = fields.Date(required=True)
    scope = fields.String(required=True, allow_none=True)
    recipients = fields.List(fields.String(), required=True)
    purpose = fields.String(required=True, allow_none=True)
    expires_on = fields.Date(required=True, allow_none=True)


class ConsentRevokedV1(Schema):
    client_id = fields.String(required=True)
    consent_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONSENT_KINDS))
    revoked_at = fields.AwareDateTime(required=True, format="iso")


CLIENT = "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77"

register(
    EventContract(
        type="intake.client.registered",
        version=1,
        schema=ClientRegisteredV1,
        description="A referred client was registered by intake staff.",
        consumers=("sessions", "outcomes", "notifications"),
        example={
            "client_id": CLIENT,
            "given_name": "Alex",
            "family_name": "Example",
            "date_of_birth": "1990-04-01",
            "program": "co_occurring",
            "contact": {"email": "alex@example.org", "phone": "+15550100"},
            "preferred_channel": "sms",
            "registered_at": "2026-11-26T09:00:00+00:00",
            "registered_by": "intake-user-1",
        },
    ),
)


register(
    EventContract(
        type="intake.client.updated",
        version=1,
        schema=ClientUpdatedV1,
        description="Intake staff corrected a client's registration details (a typo, a new phone, the program "
        "before admission). Carries every detail, so consumers replace what they keep; `changed_fields` names "
        "what changed.",
        consumers=("sessions", "outcomes", "notifications"),
        example={
            "client_id": CLIENT,
            "changed_fields": ["contact"],
            "given_name": "Alex",
            "family_name": "Example",
            "date_of_birth": "1990-04-01",
            "program": "co_occurring",
            "contact": {"email": "alex@example.org", "phone": "+15550199"},
            "preferred_channel": "sms",
            "registered_at": "2026-11-26T09:00:00+00:00",
            "updated_at": "2026-11-27T10:30:00+00:00",
            "updated_by": "intake-user-1",
        },
    ),
)


register(
    EventContract(
        type="intake.screening.completed",
        version=1,
        schema=ScreeningCompletedV1,
        description="A screening instrument was scored (scores only; answers stay in intake). `cutoff` is the "
        "cut-off in force for `positive` (null where the instrument has none).",
        consumers=("outcomes", "sessions"),
        example={
            "client_id": CLIENT,
            "screening_id": "2d0e4f7a-1b3c-4d5e-8f9a-0b1c2d3e4f5a",
            "instrument": "phq9",
            "version": "1.0",
            "total": 14,
            "severity": "moderate",
            "positive": True,
            "risk_level": None,
            "flags": ["suicidal_ideation"],
            "administered_at": "2026-11-26T09:10:00+00:00",
            "cutoff": 10,
        },
    ),
    EventContract(
        type="intake.risk.flagged",
        version=1,
        schema=RiskFlaggedV1,
        description="Suicide risk was flagged (PHQ-9 item 9 > 0, C-SSRS moderate/high, or by staff); "
        "urgency 'urgent' for C-SSRS high or item 9 >= 2.",
        consumers=("notifications", "sessions"),
        example={
            "client_id": CLIENT,
            "flag_id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
            "urgency": "urgent",
            "source": "phq9_item9",
            "instrument": "phq9",
            "screening_id": "2d0e4f7a-1b3c-4d5e-8f9a-0b1c2d3e4f5a",
            "raised_at": "2026-11-26T09:10:00+00:00",
            "raised_by": "intake-user-1",
        },
    ),
    EventContract(
        type="intake.risk.cleared",
        version=1,
        schema=RiskClearedV1,
        description="A clinician or supervisor cleared a risk flag (the reason stays in intake).",
        consumers=("notifications", "sessions"),
        example={
            "client_id": CLIENT,
            "flag_id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
            "cleared_at": "2026-11-26T11:00:00+00:00",
            "cleared_by": "clinician-7",
        },
    ),
    EventContract(
        type="intake.client.admitted",
        version=1,
        schema=ClientAdmittedV1,
        description="The client was admitted to an IPT track with proposed problem areas.",
        consumers=("sessions", "outcomes"),
        example={
            "client_id": CLIENT,
            "program": "co_occurring",
            "track": "individual",
            "primary_problem_area": {"area": "role_dispute", "stage": "impasse"},
            "secondary_problem_area": {"area": "grief", "stage": None},
            "preferred_days": ["tuesday", "thursday"],
            "preferred_times": ["morning"],
            "clinician_preference": None,
            "admitted_at": "2026-11-26T12:00:00+00:00",
        },
    ),
    EventContract(
        type="intake.consent.recorded",
        version=1,
        schema=ConsentRecordedV1,
        description="A consent was recorded: to treatment, or a 42 CFR Part 2 disclosure consent.",
        consumers=("outcomes",),
        example={
            "client_id": CLIENT,
            "consent_id": "4c3b2a1d-0e9f-4a8b-7c6d-5e4f3a2b1c0d",
            "kind": "part2_disclosure",
            "signed_on": "2026-11-26",
            "scope": "attendance and progress summaries",
            "recipients": ["County probation office"],
            "purpose": "court-ordered treatment verification",
            "expires_on": "2027-11-26",
        },
    ),
    EventContract(
        type="intake.consent.revoked",
        version=1,
        schema=ConsentRevokedV1,
        description="A consent was revoked; disclosures under it must stop.",
        consumers=("outcomes",),
        example={
            "client_id": CLIENT,
            "consent_id": "4c3b2a1d-0e9f-4a8b-7c6d-5e4f3a2b1c0d",
            "kind": "part2_disclosure",
            "revoked_at": "2026-12-01T10:00:00+00:00",
        },
    ),
)


class EmergencyAccessGrantedV1(Schema):
    grant_id = fields.String(required=True)
    client_id = fields.String(required=True)
    staff_id = fields.String(required=True)
    granted_at = fields.AwareDateTime(required=True, format="iso")
    expires_at = fields.AwareDateTime(required=True, format="iso")


register(
    EventContract(
        type="intake.emergency_access.granted",
        version=1,
        schema=EmergencyAccessGrantedV1,
        description="A clinician broke glass: they may read this one client outside their caseload until "
        "`expires_at` (the reason stays in intake, where supervisors review every grant).",
        consumers=("sessions", "outcomes", "notifications"),
        example={
            "grant_id": "0b9e8d7c-6a5f-4e3d-9c2b-1a0f9e8d7c6b",
            "client_id": CLIENT,
            "staff_id": "clinician-7",
            "granted_at": "2026-12-01T02:10:00+00:00",
            "expires_at": "2026-12-01T03:10:00+00:00",
        },
    ),
)
