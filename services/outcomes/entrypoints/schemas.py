"""Request and response shapes of the outcomes API (OpenAPI is generated from these)."""

from __future__ import annotations

from marshmallow import Schema, fields

from shared.vocabulary import MEASURE_SOURCES, RELIABLE_CHANGES


class ProgramReportSchema(Schema):
    clients_per_program = fields.Dict(keys=fields.String(), values=fields.Integer())
    total_clients = fields.Integer()


class MeasureRequestSchema(Schema):
    instrument = fields.String(required=True, metadata={"description": "Instrument code, e.g. phq9"})
    answers = fields.List(
        fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "Answers in the instrument's item order: integers for scales, booleans for yes/no"},
    )
    extras = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": 'e.g. {"difficulty": 1}'})


class MeasureSchema(Schema):
    measure_id = fields.String()
    screening_id = fields.Function(
        lambda measure: measure.measure_id, metadata={"type": "string", "description": "The measure id (older name)"}
    )
    client_id = fields.String()
    instrument = fields.String()
    version = fields.String()
    total = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    positive = fields.Boolean()
    cutoff = fields.Integer(allow_none=True, metadata={"description": "The cut-off in force for `positive`"})
    flags = fields.List(fields.String())
    source = fields.String(allow_none=True, metadata={"description": f"One of: {', '.join(MEASURE_SOURCES)}"})
    episode_id = fields.String(allow_none=True)
    session_number = fields.Integer(allow_none=True)
    administered_at = fields.AwareDateTime(format="iso")


class SeriesPointSchema(Schema):
    measure_id = fields.String()
    total = fields.Integer()
    severity = fields.String(allow_none=True)
    positive = fields.Boolean()
    cutoff = fields.Integer(allow_none=True)
    source = fields.String(allow_none=True)
    episode_id = fields.String(allow_none=True)
    session_number = fields.Integer(allow_none=True)
    administered_at = fields.AwareDateTime(format="iso")


class InstrumentOutcomeSchema(Schema):
    series = fields.List(fields.Nested(SeriesPointSchema), metadata={"description": "Oldest first"})
    baseline = fields.Integer(metadata={"description": "The first total"})
    latest = fields.Integer()
    change = fields.Integer(allow_none=True, metadata={"description": "latest − baseline; null with one score"})
    percent_change = fields.Float(allow_none=True, metadata={"description": "null with one score or a baseline of 0"})
    reliable_change = fields.String(
        allow_none=True,
        metadata={"description": f"One of: {', '.join(RELIABLE_CHANGES)}; null with one score or no rule"},
    )
    response = fields.Boolean(allow_none=True, metadata={"description": "PHQ-9: a fall of at least 50 %"})
    remission = fields.Boolean(allow_none=True, metadata={"description": "PHQ-9: below 5"})


class NhsOutcomeSchema(Schema):
    caseness_at_start = fields.Boolean(allow_none=True)
    caseness_at_end = fields.Boolean(allow_none=True)
    finished_course = fields.Boolean()
    recovered = fields.Boolean(allow_none=True, metadata={"description": "null when not at caseness at the start"})
    reliable_improvement = fields.Boolean(allow_none=True)
    reliable_deterioration = fields.Boolean(allow_none=True)
    reliable_recovery = fields.Boolean(allow_none=True)


class ClientOutcomesSchema(Schema):
    client_id = fields.String()
    rule_set = fields.String()
    instruments = fields.Dict(keys=fields.String(), values=fields.Nested(InstrumentOutcomeSchema))
    nhs = fields.Nested(NhsOutcomeSchema)


class EpisodeOutcomesSchema(ClientOutcomesSchema):
    episode_id = fields.String()
