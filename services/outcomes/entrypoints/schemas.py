"""Request and response shapes of the outcomes API (OpenAPI is generated from these)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from services.outcomes.domain.report import GROUPINGS, MIN_CELL_CLIENTS, PROGRAM
from shared.vocabulary import MEASURE_SOURCES, RELIABLE_CHANGES

DEFAULT_REPORT_MONTHS = 12


class ReportQuerySchema(Schema):
    start = fields.Date(
        data_key="from",
        load_default=None,
        metadata={"description": "First day counted (YYYY-MM-DD); default: 12 calendar months up to `to`"},
    )
    end = fields.Date(
        data_key="to",
        load_default=None,
        metadata={"description": "Last day counted (YYYY-MM-DD); default: today (UTC)"},
    )
    by = fields.String(load_default=PROGRAM, validate=validate.OneOf(GROUPINGS), metadata={"description": "Grouping"})

    @post_load
    def period(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """The last 12 calendar months unless asked otherwise; `from` after `to` is refused."""
        end: date = data["end"] or datetime.now(UTC).date()
        start: date = data["start"] or _months_before(end, DEFAULT_REPORT_MONTHS - 1)
        if start > end:
            raise ValidationError("Must be on or before `to`.", "from")
        return {**data, "start": start, "end": end}


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


RATE = "Percent, one decimal; null when no course qualifies"


class InstrumentChangeSchema(Schema):
    courses = fields.Integer(allow_none=True, metadata={"description": "Courses with two scores or more"})
    mean_change = fields.Float(allow_none=True, metadata={"description": "Mean of latest − baseline"})


class SubstanceUseSchema(Schema):
    suppressed = fields.Boolean(metadata={"description": f"Fewer than {MIN_CELL_CLIENTS} clients: figures withheld"})
    clients = fields.Integer(allow_none=True)
    audit = fields.Nested(InstrumentChangeSchema, allow_none=True)
    dast10 = fields.Nested(InstrumentChangeSchema, allow_none=True)


class ReportCellSchema(Schema):
    group = fields.String(
        allow_none=True, metadata={"description": "The group's code (null: not recorded / not assigned / all)"}
    )
    label = fields.String()
    suppressed = fields.Boolean(
        metadata={"description": f"Fewer than {MIN_CELL_CLIENTS} clients (or the one withheld beside such a cell)"}
    )
    clients = fields.Integer(allow_none=True)
    courses = fields.Integer(allow_none=True)
    finished_courses = fields.Integer(allow_none=True, metadata={"description": "At least 2 attended sessions"})
    recovery_rate = fields.Float(
        allow_none=True, metadata={"description": f"Recovered / finished courses at caseness at the start. {RATE}"}
    )
    reliable_recovery_rate = fields.Float(allow_none=True, metadata={"description": f"Same denominator. {RATE}"})
    reliable_improvement_rate = fields.Float(allow_none=True, metadata={"description": f"Of finished courses. {RATE}"})
    reliable_deterioration_rate = fields.Float(
        allow_none=True, metadata={"description": f"Of finished courses. {RATE}"}
    )
    response_rate = fields.Float(
        allow_none=True,
        metadata={"description": f"PHQ-9 fall of 50 %, of finished courses starting at PHQ-9 caseness. {RATE}"},
    )
    remission_rate = fields.Float(
        allow_none=True, metadata={"description": f"PHQ-9 below 5 at the end, same denominator. {RATE}"}
    )
    mean_change = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        allow_none=True,
        metadata={"description": "PHQ-9 and GAD-7 mean change over finished courses"},
    )
    substance_use = fields.Nested(
        SubstanceUseSchema,
        allow_none=True,
        metadata={"description": "AUDIT and DAST-10 change over substance-use and co-occurring program courses"},
    )


class ProgramReportSchema(Schema):
    rule_set = fields.String()
    by = fields.String(metadata={"description": f"One of: {', '.join(GROUPINGS)}"})
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    min_clients = fields.Integer(metadata={"description": "Cells with fewer clients are suppressed"})
    groups = fields.List(fields.Nested(ReportCellSchema))
    total = fields.Nested(ReportCellSchema)
    clients_per_program = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={"description": f"Registered clients, all time; null for 1 to {MIN_CELL_CLIENTS - 1}"},
    )
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


class FhirExportQuerySchema(Schema):
    recipient = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={
            "description": "Who the Bundle is disclosed to, as a consent names them (case and spacing aside). "
            "Required when the Bundle holds 42 CFR Part 2 data: without a consent in force naming it, 403. "
            "Naming it makes the export a disclosure, logged at /clients/{id}/disclosures"
        },
    )
    purpose = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={
            "description": "Why it is disclosed (default: the purpose of the consent it rests on). With Part 2 "
            "data, it must be the consent's purpose (case and spacing aside), or 403"
        },
    )


class DisclosureSchema(Schema):
    id = fields.String()
    client_id = fields.String()
    disclosed_by = fields.String(metadata={"description": "Who disclosed (the token's `sub`)"})
    role = fields.String()
    recipient = fields.String()
    purpose = fields.String(allow_none=True)
    consent_id = fields.String(allow_none=True, metadata={"description": "The Part 2 consent it rests on"})
    part2 = fields.Boolean(metadata={"description": "Whether it held 42 CFR Part 2 data"})
    instruments = fields.List(fields.String(), metadata={"description": "The instruments whose measures went out"})
    measures = fields.Integer(metadata={"description": "How many measures went out"})
    notice_included = fields.Boolean(metadata={"description": "Whether the redisclosure notice went with it"})
    disclosed_at = fields.AwareDateTime(format="iso")
