"""HTTP API of the outcomes service."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.outcomes import handlers
from shared.auth import roles_required
from shared.service import dependencies

measures_api = Blueprint("measures", __name__, url_prefix="/api/v1/clients", description="Scores over time")
reports_api = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                        description="De-identified program reports")


class ProgramReportSchema(Schema):
    clients_per_program = fields.Dict(keys=fields.String(), values=fields.Integer())
    total_clients = fields.Integer()


@reports_api.route("/programs")
class ProgramReport(MethodView):
    @reports_api.response(200, ProgramReportSchema)
    @roles_required("ops", "supervisor", "admin")
    def get(self):
        """Registered clients per program (aggregates only)."""
        return handlers.program_report(dependencies().enrolments)


class MeasureSchema(Schema):
    screening_id = fields.String()
    instrument = fields.String()
    version = fields.String()
    total = fields.Integer(allow_none=True)
    severity = fields.String(allow_none=True)
    positive = fields.Boolean()
    administered_at = fields.AwareDateTime(format="iso")


@measures_api.route("/<client_id>/measures")
class ClientMeasures(MethodView):
    @measures_api.response(200, MeasureSchema(many=True))
    @roles_required("clinician", "supervisor", "admin")
    def get(self, client_id: str):
        """The client's scored measures, oldest first."""
        return handlers.measures_for_client(client_id, dependencies().measures)
