"""Read-only API of the instrument library: what each form asks and how it is scored."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from shared.auth import ROLES, roles_required
from shared.instruments import INSTRUMENTS

instruments_api = Blueprint("instruments", __name__, url_prefix="/api/v1/instruments",
                            description="Screening instruments")


class OptionSchema(Schema):
    value = fields.Raw()
    label = fields.String()
    loinc_answer = fields.String(allow_none=True)


class ItemSchema(Schema):
    number = fields.Integer()
    text = fields.String()
    kind = fields.String()
    options = fields.List(fields.Nested(OptionSchema))
    loinc = fields.String(allow_none=True)
    critical = fields.Boolean()
    reversed = fields.Boolean()


class ExtraFieldSchema(Schema):
    name = fields.String()
    kind = fields.String()
    required = fields.String()
    label = fields.String()
    choices = fields.List(fields.Raw())
    choice_labels = fields.List(fields.String())


class InstrumentSummarySchema(Schema):
    code = fields.String()
    name = fields.String()
    version = fields.String()
    description = fields.String()
    loinc_panel = fields.String(allow_none=True)
    loinc_total = fields.String(allow_none=True)


class InstrumentSchema(InstrumentSummarySchema):
    min_total = fields.Integer(allow_none=True)
    max_total = fields.Integer(allow_none=True)
    default_cutoff = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(ItemSchema))
    extra_fields = fields.List(fields.Nested(ExtraFieldSchema))


@instruments_api.route("")
class Instruments(MethodView):
    @instruments_api.response(200, InstrumentSummarySchema(many=True))
    @roles_required(*ROLES)
    def get(self):
        """Every instrument the platform can score."""
        return list(INSTRUMENTS.values())


@instruments_api.route("/<code>")
class InstrumentByCode(MethodView):
    @instruments_api.response(200, InstrumentSchema)
    @roles_required(*ROLES)
    def get(self, code: str):
        """One instrument with its items, answer options and LOINC codes."""
        if code not in INSTRUMENTS:
            abort(404, message=f"No instrument '{code}'. Known: {', '.join(INSTRUMENTS)}.")
        return INSTRUMENTS[code]
