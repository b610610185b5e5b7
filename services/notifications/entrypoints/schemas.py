"""Request and response shapes of the notifications API (OpenAPI is generated from these)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.notifications.domain.quiet_hours import QuietHours
from shared.vocabulary import ALERT_STATUSES, CHANNELS, NOTIFICATION_STATUSES, NOTIFICATION_TYPES


class RecipientStatusSchema(Schema):
    client_id = fields.String()
    preferred_channel = fields.String()
    reachable = fields.Boolean()


class AlertQuery(Schema):
    status = fields.String(
        load_default=None, validate=validate.OneOf(ALERT_STATUSES), metadata={"description": "Without it: not resolved"}
    )


class AlertSchema(Schema):
    id = fields.String()
    client_id = fields.String()
    flag_id = fields.String()
    urgency = fields.String()
    source = fields.String()
    status = fields.String()
    escalation_level = fields.Integer()
    audience = fields.String()
    recipient_id = fields.String(allow_none=True, metadata={"description": "The staff member it reaches now"})
    notified = fields.List(fields.String(), metadata={"description": "Everyone it has reached, in order"})
    raised_at = fields.AwareDateTime(format="iso")
    escalate_at = fields.AwareDateTime(format="iso")
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = fields.AwareDateTime(format="iso", allow_none=True)
    resolved_at = fields.AwareDateTime(format="iso", allow_none=True)


class NotificationQuery(Schema):
    client_id = fields.String(load_default=None)
    recipient = fields.String(load_default=None, metadata={"description": "A staff member's id, or a client's"})
    type = fields.String(load_default=None, validate=validate.OneOf(NOTIFICATION_TYPES))
    status = fields.String(load_default=None, validate=validate.OneOf(NOTIFICATION_STATUSES))


class NotificationSchema(Schema):
    id = fields.String(metadata={"description": "Also the idempotency key the provider sees"})
    type = fields.String()
    audience = fields.String(metadata={"description": "client or staff"})
    client_id = fields.String()
    recipient_id = fields.String(allow_none=True)
    channel = fields.String()
    status = fields.String()
    send_at = fields.AwareDateTime(format="iso")
    sent_at = fields.AwareDateTime(format="iso", allow_none=True)
    urgency = fields.String(allow_none=True)
    alert_id = fields.String(allow_none=True)
    subject = fields.String()
    body = fields.String(metadata={"description": "The rendered text (a one-time link is masked)"})
    attempts = fields.Integer()
    reason = fields.String(allow_none=True, metadata={"description": "Why it failed, was withdrawn or waits"})


class QuietHoursSchema(Schema):
    start = fields.String(required=True, metadata={"example": "21:00"})
    end = fields.String(required=True, metadata={"example": "08:00"})

    @validates_schema
    def _times(self, data: dict, **_kwargs: object) -> None:
        try:
            QuietHours(data["start"], data["end"]).check()
        except ValueError as error:
            raise ValidationError(str(error), field_name="start") from None


class PreferencesRequest(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    opted_out = fields.Boolean(required=True)
    quiet_hours = fields.Nested(QuietHoursSchema, required=True, allow_none=True)


class PreferencesSchema(Schema):
    client_id = fields.String()
    channel = fields.String()
    opted_out = fields.Boolean()
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    reachable = fields.Boolean()
    updated_at = fields.AwareDateTime(format="iso", allow_none=True)


class OnCallSchema(Schema):
    clinician = fields.String(required=True, validate=validate.Length(min=1, max=64))
    supervisor = fields.String(required=True, validate=validate.Length(min=1, max=64))
    clinical_lead = fields.String(required=True, validate=validate.Length(min=1, max=64))
    updated_at = fields.AwareDateTime(format="iso", dump_only=True)
    updated_by = fields.String(dump_only=True)


class StaffMemberRequest(Schema):
    email = fields.Email(required=True)


class StaffMemberSchema(Schema):
    id = fields.String()
    email = fields.String()
    updated_at = fields.AwareDateTime(format="iso")
    updated_by = fields.String()
