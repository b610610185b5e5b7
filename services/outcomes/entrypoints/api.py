"""HTTP API of the outcomes service: thin views that call one handler each."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.outcomes import handlers
from services.outcomes.domain.measure import Measure
from services.outcomes.entrypoints.schemas import MeasureSchema, ProgramReportSchema
from shared.service import dependencies

measures_api = Blueprint("measures", __name__, url_prefix="/api/v1/clients", description="Scores over time")
reports_api = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="De-identified program reports")


@reports_api.route("/programs")
class ProgramReport(MethodView):
    @reports_api.response(200, ProgramReportSchema)
    def get(self) -> dict[str, Any]:
        """Registered clients per program (aggregates only)."""
        return handlers.program_report(dependencies().enrolments)


@measures_api.route("/<client_id>/measures")
class ClientMeasures(MethodView):
    @measures_api.response(200, MeasureSchema(many=True))
    def get(self, client_id: str) -> list[Measure]:
        """The client's scored measures, oldest first."""
        return handlers.measures_for_client(client_id, dependencies().measures)
