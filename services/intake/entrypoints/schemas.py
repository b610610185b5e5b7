"""Request and response shapes of the intake API (OpenAPI is generated from these)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.intake.domain.client import registration_problems
from services.intake.domain.consent import consent_problems
from services.intake.domain.work_queue import STAGES
from shared.envelope import utcnow
from shared.fields import StrictBoolean
from shared.vocabulary import (
    CHANNELS,
    CONSENT_KINDS,
    DAY_PARTS,
    DISPUTE_STAGES,
    PROBLEM_AREAS,
    PROGRAMS,
    RISK_URGENCIES,
    SEXES_AT_BIRTH,
    TRACKS,
    WEEKDAYS,
)

BLANK = "Must not be blank."  # the UI words it per field ("Enter the given name.")


def words(limit: int, required: bool = False) -> list[validate.Validator]:
    """Free text up to `limit` characters; a required one must hold more than spaces. One
    message per problem, in words, never marshmallow's "Length must be between 1 and …"."""
    checks: list[validate.Validator] = [validate.Length(max=limit, error=f"Use at most {limit:,} characters.")]
    if required:
        checks.append(validate.Regexp(r"\s*\S", error=BLANK))
    return checks


NAME = words(100, required=True)
PHONE = validate.Regexp(r"^\+?[0-9][0-9 ()-]{5,19}$", error="Not a valid phone number.")
TEXT = words(2000)


class ContactSchema(Schema):
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)


class ReferralSchema(Schema):
    source = fields.String(load_default=None, allow_none=True, validate=words(200))
    date = fields.Date(load_default=None, allow_none=True)


class TreatmentConsentSchema(Schema):
    signed_on = fields.Date(required=True)
    signed_by = fields.String(load_default="client", validate=words(200, required=True))


def _nested(errors: dict[str, list[str]]) -> dict[str, Any]:
    """'contact.phone' errors as {"contact": {"phone": [...]}}, the shape marshmallow reports."""
    nested: dict[str, Any] = {}
    for key, messages in errors.items():
        *parents, leaf = key.split(".")
        node = nested
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = messages
    return nested


class RegisterClientSchema(Schema):
    given_name = fields.String(required=True, validate=NAME)
    family_name = fields.String(required=True, validate=NAME)
    date_of_birth = fields.Date(required=True, metadata={"description": "YYYY-MM-DD"})
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    contact = fields.Nested(ContactSchema, required=True)
    preferred_channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    sex_at_birth = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SEXES_AT_BIRTH))
    referral = fields.Nested(ReferralSchema, load_default=dict)
    treatment_consent = fields.Nested(TreatmentConsentSchema, load_default=None, allow_none=True)
    allow_duplicate = StrictBoolean(
        load_default=False,
        metadata={"description": "Register even though a client with the same name and date of birth exists."},
    )
    request_key = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=8, max=64, error="A request key is 8 to 64 characters."),
        metadata={
            "description": "A key the caller makes once per registration; "
            "resending the same key returns the client already registered."
        },
    )

    @validates_schema(skip_on_field_errors=False)
    def domain_rules(self, data: dict[str, Any], **_kwargs: Any) -> None:
        # The domain's own rules on every detail that parsed, so one answer names every error.
        problems = registration_problems(data, utcnow().date())
        if problems:
            raise ValidationError(_nested(problems))


class ContactChangeSchema(Schema):
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True, validate=PHONE)


class ReferralChangeSchema(Schema):
    source = fields.String(allow_none=True, validate=words(200))
    date = fields.Date(allow_none=True)


class CorrectClientSchema(Schema):
    """Only the details sent change; contact and referral are merged field by field."""

    given_name = fields.String(validate=NAME)
    family_name = fields.String(validate=NAME)
    date_of_birth = fields.Date(metadata={"description": "YYYY-MM-DD"})
    sex_at_birth = fields.String(allow_none=True, validate=validate.OneOf(SEXES_AT_BIRTH))
    program = fields.String(
        validate=validate.OneOf(PROGRAMS), metadata={"description": "Only before admission, and with no Part 2 consent"}
    )
    contact = fields.Nested(ContactChangeSchema)
    preferred_channel = fields.String(validate=validate.OneOf(CHANNELS))
    referral = fields.Nested(ReferralChangeSchema)
    allow_duplicate = StrictBoolean(
        load_default=False,
        metadata={"description": "Keep a new name or date of birth that matches another registered client."},
    )


class PossibleDuplicateSchema(Schema):
    """The 409 of a registration or correction: the error, and the ids of the clients it may duplicate."""

    code = fields.Integer(metadata={"description": "409"})
    status = fields.String(metadata={"description": "Conflict"})
    message = fields.String()
    duplicates = fields.List(
        fields.String(),
        metadata={
            "description": "Ids of registered clients with the same name and date of birth (absent when the "
            "conflict is another one: the record changed since it was read)"
        },
    )


class CorrectionSchema(Schema):
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    by = fields.String()
    at = fields.AwareDateTime(format="iso")


class RiskFlagSchema(Schema):
    id = fields.String()
    source = fields.String()
    urgency = fields.String()
    instrument = fields.String(allow_none=True)
    screening_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    raised_at = fields.AwareDateTime(format="iso")
    raised_by = fields.String()
    open = fields.Boolean(attribute="is_open")
    cleared_at = fields.AwareDateTime(format="iso", allow_none=True)
    cleared_by = fields.String(allow_none=True)
    clear_reason = fields.String(allow_none=True)


class ConsentSchema(Schema):
    id = fields.String(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(CONSENT_KINDS))
    signed_on = fields.Date(required=True)
    signed_by = fields.String(load_default="client", validate=words(200, required=True))
    scope = fields.String(load_default=None, allow_none=True, validate=TEXT)
    recipients = fields.List(fields.String(validate=words(200)), load_default=list)
    purpose = fields.String(load_default=None, allow_none=True, validate=TEXT)
    expires_on = fields.Date(load_default=None, allow_none=True)
    recorded_at = fields.AwareDateTime(format="iso", dump_only=True)
    recorded_by = fields.String(dump_only=True)
    revoked_at = fields.AwareDateTime(format="iso", dump_only=True, allow_none=True)
    revoked_by = fields.String(dump_only=True, allow_none=True)
    revoke_reason = fields.String(dump_only=True, allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def domain_rules(self, data: dict[str, Any], **_kwargs: Any) -> None:
        problems = consent_problems(data, utcnow().date())
        if problems:
            raise ValidationError(_nested(problems))


class RevokeConsentSchema(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=words(2000))


class RevokeConsentFormSchema(Schema):
    """The staff page asks why, every time: revoking stops care or disclosure at once."""

    reason = fields.String(required=True, validate=words(2000, required=True))


class ProblemAreaSchema(Schema):
    area = fields.String(required=True, validate=validate.OneOf(PROBLEM_AREAS))
    stage = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(DISPUTE_STAGES))


class ProblemAreasSchema(Schema):
    primary = fields.Nested(ProblemAreaSchema, required=True)
    secondary = fields.Nested(ProblemAreaSchema, load_default=None, allow_none=True)


class RelationshipSchema(Schema):
    person = fields.String(required=True, validate=words(200, required=True))
    relationship = fields.String(required=True, validate=words(100, required=True))
    closeness = fields.Integer(required=True, validate=validate.Range(1, 5))
    supportive = fields.String(load_default="", validate=TEXT)
    conflictual = fields.String(load_default="", validate=TEXT)
    recent_changes = fields.String(load_default="", validate=TEXT)
    wished_changes = fields.String(load_default="", validate=TEXT)


class LifeEventSchema(Schema):
    description = fields.String(required=True, validate=words(500, required=True))
    when = fields.Date(load_default=None, allow_none=True)


class AssessmentSchema(Schema):
    relationships = fields.List(
        fields.Nested(RelationshipSchema),
        required=True,
        validate=validate.Length(min=1, max=30, error="Record between 1 and 30 important people."),
    )
    life_events = fields.List(
        fields.Nested(LifeEventSchema),
        load_default=list,
        validate=validate.Length(max=30, error="Record at most 30 life events."),
    )
    problem_areas = fields.Nested(ProblemAreasSchema, required=True)
    notes = fields.String(load_default="", validate=TEXT)
    assessed_by = fields.String(dump_only=True)
    assessed_at = fields.AwareDateTime(format="iso", dump_only=True)


class OverrideSchema(Schema):
    confirmed = StrictBoolean(required=True, load_only=True, metadata={"description": "Must be true to override."})
    reason = fields.String(required=True, validate=words(2000, required=True))
    by = fields.String(dump_only=True)
    gaps = fields.List(fields.String(), dump_only=True)


class GapSchema(Schema):
    item = fields.String(
        metadata={
            "description": "treatment_consent, urgent_risk_flag, high_risk_flag, "
            "screenings_due or interpersonal_inventory"
        }
    )
    message = fields.String()
    blocking = fields.Boolean(metadata={"description": "True: must be resolved; false: may be overridden"})


class AdmissionReadinessSchema(Schema):
    ready = fields.Boolean()
    gaps = fields.List(fields.Nested(GapSchema))


class AdmissionSchema(Schema):
    track = fields.String(required=True, validate=validate.OneOf(TRACKS))
    problem_areas = fields.Nested(ProblemAreasSchema, required=True)
    preferred_days = fields.List(fields.String(validate=validate.OneOf(WEEKDAYS)), load_default=list)
    preferred_times = fields.List(fields.String(validate=validate.OneOf(DAY_PARTS)), load_default=list)
    clinician_preference = fields.String(load_default=None, allow_none=True, validate=words(200))
    override = fields.Nested(
        OverrideSchema,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Admit despite the gaps that do not block (screenings due, no inventory, an "
            "open high flag): confirmed true and the reason. Recorded with the admission."
        },
    )
    admitted_at = fields.AwareDateTime(format="iso", dump_only=True)
    admitted_by = fields.String(dump_only=True)


class ClientSummarySchema(Schema):
    id = fields.String()
    given_name = fields.String(attribute="registration.given_name")
    family_name = fields.String(attribute="registration.family_name")
    date_of_birth = fields.Date(attribute="registration.date_of_birth")
    program = fields.String(attribute="registration.program")
    status = fields.String()
    open_risk_flags = fields.Method("count_open_flags")

    def count_open_flags(self, client) -> int:
        return len(client.open_risk_flags)


class ClientSchema(ClientSummarySchema):
    contact = fields.Nested(ContactSchema, attribute="registration.contact")
    preferred_channel = fields.String(attribute="registration.preferred_channel")
    sex_at_birth = fields.String(attribute="registration.sex_at_birth", allow_none=True)
    referral = fields.Nested(ReferralSchema, attribute="registration.referral")
    registered_at = fields.AwareDateTime(format="iso")
    registered_by = fields.String()
    corrections = fields.List(fields.Nested(CorrectionSchema))
    risk_flags = fields.List(fields.Nested(RiskFlagSchema))
    consents = fields.List(fields.Nested(ConsentSchema))
    assessment = fields.Nested(AssessmentSchema, allow_none=True)
    admission = fields.Nested(AdmissionSchema, allow_none=True)


class ClientQuerySchema(Schema):
    query = fields.String(
        required=True,
        validate=words(100, required=True),
        metadata={"description": "Start of a name (each word), or a client id; with date_of_birth, the full name"},
    )
    date_of_birth = fields.Date(
        load_default=None,
        metadata={"description": "YYYY-MM-DD: find by the exact full name (either order) and this date of birth"},
    )


class ScreeningRequestSchema(Schema):
    instrument = fields.String(required=True, metadata={"description": "Instrument code, e.g. phq9"})
    answers = fields.List(
        fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "Answers in the instrument's item order: integers for scales, booleans for yes/no"},
    )
    # Instrument-specific extra answers; unknown ones are rejected by the instrument itself.
    difficulty = fields.Raw(load_default=None)
    q6_recent = fields.Raw(load_default=None)
    same_period = fields.Raw(load_default=None)
    problem_level = fields.Raw(load_default=None)
    sex_at_birth = fields.Raw(load_default=None)


class ScreeningSchema(Schema):
    id = fields.String()
    client_id = fields.String()
    instrument = fields.String()
    version = fields.String()
    total = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    positive = fields.Boolean()
    flags = fields.List(fields.String())
    risk_level = fields.String(allow_none=True)
    details = fields.Dict()
    answers = fields.List(fields.Raw())
    extras = fields.Dict()
    administered_at = fields.AwareDateTime(format="iso")
    administered_by = fields.String()
    complete = fields.Boolean(
        metadata={
            "description": "False when the form was incomplete but its answers signal suicide risk: the "
            "answers given are kept and the flag raised, but nothing is scored (see `missing`)."
        }
    )
    missing = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "For an incomplete screening: each missing or invalid item, and why."},
    )
    risk_flag = fields.Nested(RiskFlagSchema, allow_none=True, dump_default=None)


class ManualFlagSchema(Schema):
    # No default: how urgent a risk is must be a person's judgement, never a form's preset.
    urgency = fields.String(required=True, validate=validate.OneOf(RISK_URGENCIES))
    note = fields.String(load_default=None, allow_none=True, validate=TEXT)


class ClearFlagSchema(Schema):
    reason = fields.String(
        required=True,
        validate=words(2000, required=True),
    )


class QueueQuerySchema(Schema):
    stage = fields.String(
        validate=validate.OneOf(tuple(STAGES)),
        metadata={
            "description": "risk, new (no screening yet), screening (some due), ready (for consent or admission)"
        },
    )
    program = fields.String(validate=validate.OneOf(PROGRAMS))


class QueueEntrySchema(Schema):
    kind = fields.String(
        metadata={
            "description": "open_risk_flag, new_referral, screenings_due, ready_for_consent or ready_for_admission"
        }
    )
    stage = fields.String()
    urgency = fields.String(allow_none=True)
    since = fields.AwareDateTime(format="iso")
    due = fields.List(fields.String())
    client = fields.Nested(ClientSummarySchema)


# -- the instrument library ---------------------------------------------------------------
class OptionSchema(Schema):
    value = fields.Raw()
    label = fields.String()
    loinc_answer = fields.String(allow_none=True)


class ItemSchema(Schema):
    number = fields.Integer()
    text = fields.String()
    kind = fields.String()
    options = fields.List(fields.Nested(OptionSchema))
    loinc = fields.String(allow_none=True)
    critical = fields.Boolean()
    reversed = fields.Boolean()


class ExtraFieldSchema(Schema):
    name = fields.String()
    kind = fields.String()
    required = fields.String()
    label = fields.String()
    choices = fields.List(fields.Raw())
    choice_labels = fields.List(fields.String())


class InstrumentSummarySchema(Schema):
    code = fields.String()
    stem = fields.String(allow_none=True, metadata={"description": "What staff read out before the first question"})
    name = fields.String()
    version = fields.String()
    description = fields.String()
    loinc_panel = fields.String(allow_none=True)
    loinc_total = fields.String(allow_none=True)


class InstrumentSchema(InstrumentSummarySchema):
    min_total = fields.Integer(allow_none=True)
    max_total = fields.Integer(allow_none=True)
    default_cutoff = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(ItemSchema))
    extra_fields = fields.List(fields.Nested(ExtraFieldSchema))


# -- emergency ("break glass") access ------------------------------------------------------------
class BreakGlassSchema(Schema):
    reason = fields.String(
        required=True,
        validate=[
            validate.Length(min=10, max=500, error="Give the reason in 10 to 500 characters."),
            validate.Regexp(r"\s*\S", error=BLANK),
        ],
        metadata={"description": "Why the record must be read now; kept in intake for the review, never published"},
    )


class GrantSchema(Schema):
    id = fields.String(dump_only=True)
    client_id = fields.String(dump_only=True)
    staff_id = fields.String(dump_only=True)
    granted_at = fields.AwareDateTime(format="iso", dump_only=True)
    expires_at = fields.AwareDateTime(format="iso", dump_only=True)


class GrantForReviewSchema(GrantSchema):
    reason = fields.String(dump_only=True)
    reads = fields.Integer(dump_only=True, metadata={"description": "Requests intake served under the grant"})
    reviewed_by = fields.String(dump_only=True, allow_none=True)
    reviewed_at = fields.AwareDateTime(format="iso", dump_only=True, allow_none=True)
    review_note = fields.String(dump_only=True, allow_none=True)


class GrantQuerySchema(Schema):
    reviewed = fields.Boolean(metadata={"description": "true: reviewed grants only; false: those awaiting review"})
    start = fields.AwareDateTime(data_key="from", format="iso", metadata={"description": "Granted from (inclusive)"})
    end = fields.AwareDateTime(data_key="to", format="iso", metadata={"description": "Granted before (exclusive)"})

    @validates_schema
    def ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise ValidationError("Must be after `from`.", "to")


class GrantReviewSchema(Schema):
    note = fields.String(required=True, validate=words(1000, required=True))
