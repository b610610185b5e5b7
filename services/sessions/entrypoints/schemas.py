"""Request and response shapes of the sessions API (OpenAPI is generated from these)."""

from __future__ import annotations

from marshmallow import Schema, fields


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
    status = fields.String()
    opened_at = fields.AwareDateTime(format="iso")
    admission = fields.Nested(EpisodeAdmissionSchema, allow_none=True)
