"""Response shapes of the outcomes API (OpenAPI is generated from these)."""

from __future__ import annotations

from marshmallow import Schema, fields


class ProgramReportSchema(Schema):
    clients_per_program = fields.Dict(keys=fields.String(), values=fields.Integer())
    total_clients = fields.Integer()


class MeasureSchema(Schema):
    screening_id = fields.String()
    instrument = fields.String()
    version = fields.String()
    total = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    positive = fields.Boolean()
    administered_at = fields.AwareDateTime(format="iso")
