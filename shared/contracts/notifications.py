"""Events published by the notifications service: alerts to staff and what became of each message.

Identifiers only: never an address, a message text or a link.
"""

from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register
from shared.vocabulary import (
    ALERT_AUDIENCES,
    ALERT_STATUSES,
    DELIVERY_FAILURES,
    NOTIFICATION_CHANNELS,
    NOTIFICATION_TYPES,
    RISK_URGENCIES,
)


class AlertV1(Schema):
    alert_id = fields.String(required=True)
    client_id = fields.String(required=True)
    flag_id = fields.String(required=True)
    urgency = fields.String(required=True, validate=validate.OneOf(RISK_URGENCIES))
    status = fields.String(required=True, validate=validate.OneOf(ALERT_STATUSES))
    escalation_level = fields.Integer(required=True)
    audience = fields.String(required=True, validate=validate.OneOf(ALERT_AUDIENCES))
    # Added in v1 as an optional field: events published before it carry none.
    recipient_id = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "The staff member the alert reaches now (null: nobody on the rota)"},
    )


_EXAMPLE = {
    "alert_id": "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
    "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
    "flag_id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
    "urgency": "urgent",
    "status": "open",
    "escalation_level": 0,
    "audience": "clinician",
    "recipient_id": "dr-rivera",
}

register(
    *(
        EventContract(
            type=f"notifications.alert.{name}",
            version=1,
            schema=AlertV1,
            description=text,
            example=dict(_EXAMPLE, **changes),
            consumers=("sessions", "intake") if name != "acknowledged" else ("sessions",),
        )
        for name, text, changes in (
            (
                "raised",
                "A clinical alert was raised for a risk flag and sent (in-app and by e-mail) to the client's "
                "clinician, or to the on-call clinician when the client has none (`audience`).",
                {},
            ),
            ("acknowledged", "A clinician took the alert on; it stops escalating.", {"status": "acknowledged"}),
            (
                "escalated",
                "Nobody acknowledged the alert in time; it went to the next level (`recipient_id`), in-app and by "
                "e-mail again.",
                {"escalation_level": 1, "audience": "supervisor", "recipient_id": "sup-lee"},
            ),
            ("resolved", "The risk flag was cleared, so the alert is closed.", {"status": "resolved"}),
        )
    )
)


class DeliveryV1(Schema):
    notification_id = fields.String(required=True)
    client_id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_TYPES))
    channel = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_CHANNELS))
    audience = fields.String(required=True, validate=validate.OneOf(("client", "staff")))
    recipient_id = fields.String(required=True, allow_none=True)
    alert_id = fields.String(required=True, allow_none=True)
    urgency = fields.String(required=True, allow_none=True, validate=validate.OneOf(RISK_URGENCIES))


class SentV1(DeliveryV1):
    sent_at = fields.AwareDateTime(required=True, format="iso")


class FailedV1(DeliveryV1):
    reason = fields.String(required=True, validate=validate.OneOf(DELIVERY_FAILURES))
    failed_at = fields.AwareDateTime(required=True, format="iso")


_DELIVERY = {
    "notification_id": "2c9d8e7f-6a5b-5c4d-9e3f-2a1b0c9d8e7f",
    "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
    "type": "risk_alert",
    "channel": "in_app",
    "audience": "staff",
    "recipient_id": "dr-rivera",
    "alert_id": "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
    "urgency": "urgent",
}

register(
    EventContract(
        type="notifications.sent",
        version=1,
        schema=SentV1,
        description="A message went out: accepted by the e-mail relay or the SMS provider, or put in a staff "
        "member's in-app inbox (`channel` `in_app`, which the clinician workspace shows). `recipient_id` is the "
        "staff member, or the client for client messages; `alert_id` and `urgency` are set for alerts.",
        example=_DELIVERY | {"sent_at": "2026-11-26T09:10:01+00:00"},
    ),
    EventContract(
        type="notifications.failed",
        version=1,
        schema=FailedV1,
        description="A message could not be delivered and will not be tried again: no address or nobody to "
        "send it to (`no_address`, `no_recipient`), refused by the provider (`rejected`), or still failing when it "
        "no longer mattered (`expired`). Staff see it as `status: failed` in `GET /api/v1/notifications`.",
        example=_DELIVERY
        | {
            "type": "appointment_reminder",
            "channel": "sms",
            "audience": "client",
            "recipient_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77",
            "alert_id": None,
            "urgency": None,
            "reason": "rejected",
            "failed_at": "2026-12-02T15:00:03+00:00",
        },
    ),
)
