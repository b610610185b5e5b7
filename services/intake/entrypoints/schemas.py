"""Request and response shapes of the intake API (OpenAPI is generated from these)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.intake.domain.client import CHANNELS, PROGRAMS

NAME = [validate.Length(min=1, max=100), validate.Regexp(r"\S", error="Must not be blank.")]
PHONE = validate.Regexp(r"^\+?[0-9][0-9 ()-]{5,19}$", error="Not a valid phone number.")


class ContactSchema(Schema):
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)


class RegisterClientSchema(Schema):
    given_name = fields.String(required=True, validate=NAME)
    family_name = fields.String(required=True, validate=NAME)
    date_of_birth = fields.Date(required=True, metadata={"description": "YYYY-MM-DD"})
    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    contact = fields.Nested(ContactSchema, required=True)
    preferred_channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))


class ClientSchema(Schema):
    id = fields.String()
    given_name = fields.String(attribute="registration.given_name")
    family_name = fields.String(attribute="registration.family_name")
    date_of_birth = fields.Date(attribute="registration.date_of_birth")
    program = fields.String(attribute="registration.program")
    contact = fields.Nested(ContactSchema, attribute="registration.contact")
    preferred_channel = fields.String(attribute="registration.preferred_channel")
    status = fields.String()
    registered_at = fields.AwareDateTime(format="iso")
