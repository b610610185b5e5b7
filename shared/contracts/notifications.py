"""Events published by the notifications service."""

from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register
from shared.vocabulary import ALERT_AUDIENCES, ALERT_STATUSES, RISK_URGENCIES


class AlertV1(Schema):
    alert_id = fields.String(required=True)
    client_id = fields.String(required=True)
    flag_id = fields.String(required=True)
    urgency = fields.String(required=True, validate=validate.OneOf(RISK_URGENCIES))
    status = fields.String(required=True, validate=validate.OneOf(ALERT_STATUSES))
    escalation_level = fields.Integer(required=True)
    audience = fields.String(required=True, validate=validate.OneOf(ALERT_AUDIENCES))


_EXAMPLE = {
    "alert_id": "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
    "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
    "flag_id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
    "urgency": "urgent",
    "status": "open",
    "escalation_level": 0,
    "audience": "on_call_clinician",
}

register(
    *(
        EventContract(
            type=f"notifications.alert.{name}",
            version=1,
            schema=AlertV1,
            description=text,
            example=dict(_EXAMPLE, **changes),
        )
        for name, text, changes in (
            ("raised", "A clinical alert was raised for a risk flag and sent to the on-call clinician.", {}),
            ("acknowledged", "A clinician took the alert on; it stops escalating.", {"status": "acknowledged"}),
            (
                "escalated",
                "Nobody acknowledged the alert in time; it went to the next level.",
                {"escalation_level": 1, "audience": "supervisor"},
            ),
            ("resolved", "The risk flag was cleared, so the alert is closed.", {"status": "resolved"}),
        )
    )
)
