"""HTTP API of the outcomes service."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.outcomes import handlers
from shared.auth import roles_required
from shared.service import dependencies

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
