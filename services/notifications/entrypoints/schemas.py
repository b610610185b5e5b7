"""Response shapes of the notifications API (OpenAPI is generated from these)."""

from __future__ import annotations

from marshmallow import Schema, fields


class RecipientStatusSchema(Schema):
    client_id = fields.String()
    preferred_channel = fields.String()
    reachable = fields.Boolean()


class AlertSchema(Schema):
    id = fields.String()
    client_id = fields.String()
    flag_id = fields.String()
    urgency = fields.String()
    source = fields.String()
    status = fields.String()
    escalation_level = fields.Integer()
    audience = fields.String()
    raised_at = fields.AwareDateTime(format="iso")
    escalate_at = fields.AwareDateTime(format="iso")
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = fields.AwareDateTime(format="iso", allow_none=True)
    resolved_at = fields.AwareDateTime(format="iso", allow_none=True)
