"""Events published by the intake service."""
from marshmallow import Schema, fields, validate

from shared.contracts.registry import EventContract, register

PROGRAMS = ("mental_health", "substance_use", "co_occurring")
CHANNELS = ("sms", "email", "none")


class ContactSchema(Schema):
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)


class ClientRegisteredV1(Schema):
    client_id = fields.String(required=True)
    given_name = fields.String(required=True)
    family_name = fields.String(required=True)
    date_of_birth = fields.Date(required=True)
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    contact = fields.Nested(ContactSchema, required=True)
    preferred_channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    registered_at = fields.AwareDateTime(required=True, format="iso")
    registered_by = fields.String(required=True)


register(
    EventContract(
        type="intake.client.registered", version=1, schema=ClientRegisteredV1,
        description="A referred client was registered by intake staff.",
        consumers=("sessions", "outcomes", "notifications"),
        example={
            "client_id": "6f1c2a4e-0d4b-4c55-9b8e-3f0c8a1d2e77", "given_name": "Alex",
            "family_name": "Example", "date_of_birth": "1990-04-01", "program": "co_occurring",
            "contact": {"email": "alex@example.org", "phone": "+15550100"},
            "preferred_channel": "sms", "registered_at": "2026-11-26T09:00:00+00:00",
            "registered_by": "intake-user-1",
        },
    ),
)
