"""HTTP API of the outcomes service: thin views that call one handler each."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, g
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from services.outcomes import handlers
from services.outcomes.domain.access import Viewer
from services.outcomes.domain.classification import Outcomes
from services.outcomes.domain.disclosure import Disclosure
from services.outcomes.domain.measure import Measure
from services.outcomes.entrypoints.reports import report_body, report_chart
from services.outcomes.entrypoints.schemas import (
    ClientOutcomesSchema,
    DisclosureSchema,
    EpisodeOutcomesSchema,
    FhirExportQuerySchema,
    MeasureRequestSchema,
    MeasureSchema,
    ProgramReportSchema,
    ReportQuerySchema,
)
from shared.auth import current_principal
from shared.emergency_requests import emergency_pass
from shared.envelope import utcnow
from shared.service import dependencies
from shared.web import AUDIT_CLIENT_KEY, ErrorSchema, idempotency_key

clients_api = Blueprint(
    "clients", __name__, url_prefix="/api/v1/clients", description="A client's measures and outcomes"
)
episodes_api = Blueprint("episodes", __name__, url_prefix="/api/v1/episodes", description="Outcomes of an episode")
REDISCLOSURE_HEADER = "X-Redisclosure-Notice"
reports_api = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="De-identified program reports")


def viewer() -> Viewer:
    principal = current_principal()
    repos = dependencies().repos
    return handlers.viewer_for(principal.sub, principal.role, repos, emergency_pass(repos.emergency))


def _shaped(outcomes: Outcomes, ids: dict[str, Any]) -> dict[str, Any]:
    return {**ids, "rule_set": outcomes.rule_set, "instruments": outcomes.instruments, "nhs": outcomes.nhs}


def _svg(svg: str) -> Response:
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


def _report(query: dict[str, Any]) -> handlers.ReportResult:
    period = handlers.ReportPeriod(query["start"], query["end"])
    return handlers.program_report(period, query["by"], viewer(), dependencies().repos)


@reports_api.route("/programs")
class ProgramReport(MethodView):
    @reports_api.arguments(ReportQuerySchema, location="query")
    @reports_api.response(200, ProgramReportSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Recovery, reliable improvement and deterioration, response and remission rates, mean change and
        finished courses per program, problem area, clinician or month (`by`), AUDIT and DAST-10 change beside
        them for substance-use programs; courses counted in the period they ended (open ones: their latest
        measure). Cells of fewer than 5 clients are withheld (`suppressed`); ops see clinicians numbered."""
        return report_body(_report(query))


@reports_api.route("/programs.svg")
class ProgramReportChart(MethodView):
    @reports_api.arguments(ReportQuerySchema, location="query")
    @reports_api.response(200, {"type": "string"}, content_type="image/svg+xml")
    def get(self, query: dict[str, Any]) -> Response:
        """The report's recovery, reliable improvement and deterioration rates per group as accessible bars."""
        return _svg(report_chart(_report(query)))


@clients_api.route("/<client_id>/measures")
class ClientMeasures(MethodView):
    @clients_api.response(200, MeasureSchema(many=True))
    def get(self, client_id: str) -> list[Measure]:
        """The client's scored measures, oldest first: intake screenings, session measures and those
        taken outside a session."""
        return handlers.measures_for_client(client_id, viewer(), dependencies().repos)

    @clients_api.arguments(MeasureRequestSchema)
    @clients_api.response(201, MeasureSchema)
    def post(self, body: dict[str, Any], client_id: str) -> Measure:
        """A measure taken outside a session, scored here from the raw answers; 422 names every bad
        answer. It counts towards the episode open now. Takes an Idempotency-Key."""
        deps = dependencies()
        return handlers.record_outside_session(
            client_id, body, viewer(), utcnow(), deps.uow, deps.repos, deps.policy, idempotency_key()
        )


@clients_api.route("/<client_id>/outcomes")
class ClientOutcomes(MethodView):
    @clients_api.response(200, ClientOutcomesSchema)
    def get(self, client_id: str) -> dict[str, Any]:
        """Per instrument: series, baseline, latest, change, reliable change (and PHQ-9 response and
        remission); the NHS Talking Therapies classification; the rule set that made them."""
        return _shaped(*handlers.client_outcomes(client_id, viewer(), dependencies().repos))


@clients_api.route("/<client_id>/trajectory.svg")
class ClientTrajectory(MethodView):
    @clients_api.response(200, {"type": "string"}, content_type="image/svg+xml")
    def get(self, client_id: str) -> Response:
        """The client's PHQ-9 and GAD-7 across every episode, by day measured, severity bands shaded (an
        accessible SVG: title, a description in words, a tooltip per score; no names)."""
        return _svg(handlers.client_trajectory(client_id, viewer(), dependencies().repos))


@clients_api.route("/<client_id>/fhir")
class ClientFhir(MethodView):
    @clients_api.arguments(FhirExportQuerySchema, location="query")
    @clients_api.response(
        200,
        {"type": "object"},
        content_type="application/fhir+json",
        headers={
            REDISCLOSURE_HEADER: {
                "description": "The abbreviated 42 CFR §2.32 notice, on every export holding Part 2 data",
                "schema": {"type": "string"},
            }
        },
    )
    @clients_api.alt_response(
        403,
        schema=ErrorSchema,
        description="Part 2 data without a consent in force naming the recipient (for the purpose given)",
    )
    def get(self, query: dict[str, Any], client_id: str) -> Response:
        """The client's measures as a FHIR R4 Bundle (collection): a QuestionnaireResponse and an Observation
        (category survey, LOINC total code, derivedFrom the response) per measure; 42 CFR Part 2 security
        labels on substance-use and co-occurring program data. Item answers only for measures taken here.
        With Part 2 data the export is a disclosure: `recipient` is required and a consent in force must name
        it (403 otherwise), and the Bundle carries the redisclosure notice (a `meta` extension, and the header
        in short). Every export naming a recipient is logged as a disclosure."""
        deps = dependencies()
        export = handlers.export_fhir(
            client_id, viewer(), query["recipient"], query["purpose"], utcnow(), deps.uow, deps.repos
        )
        headers = {"Cache-Control": "no-store"}
        if export.notice:
            headers[REDISCLOSURE_HEADER] = export.notice
        return Response(json.dumps(export.bundle), mimetype="application/fhir+json", headers=headers)


@clients_api.route("/<client_id>/disclosures")
class ClientDisclosures(MethodView):
    @clients_api.response(200, DisclosureSchema(many=True))
    @clients_api.paginate(page_size=50, max_page_size=200)
    def get(self, client_id: str, pagination_parameters: PaginationParameters) -> list[Disclosure]:
        """The client's accounting of disclosures, newest first, a page at a time (total in X-Pagination):
        who disclosed their measures to whom, why, under which consent, which instruments and how many
        measures (never answers or scores), when, and whether the redisclosure notice went with them."""
        found, total = handlers.disclosures_of_client(
            client_id,
            viewer(),
            dependencies().repos,
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return found


@episodes_api.route("/<episode_id>/trajectory.svg")
class EpisodeTrajectory(MethodView):
    @episodes_api.response(200, {"type": "string"}, content_type="image/svg+xml")
    def get(self, episode_id: str) -> Response:
        """The episode's PHQ-9 and GAD-7 along its sessions (a measure outside a session at the sessions
        attended by then), severity bands shaded."""
        svg, client_id = handlers.episode_trajectory(episode_id, viewer(), dependencies().repos)
        g.setdefault(AUDIT_CLIENT_KEY, client_id)
        return _svg(svg)


@episodes_api.route("/<episode_id>/outcomes")
class EpisodeOutcomes(MethodView):
    @episodes_api.response(200, EpisodeOutcomesSchema)
    def get(self, episode_id: str) -> dict[str, Any]:
        """The same as for a client, for the measures and attended sessions of one episode."""
        outcomes, ids = handlers.episode_outcomes(episode_id, viewer(), dependencies().repos)
        g.setdefault(AUDIT_CLIENT_KEY, ids["client_id"])
        return _shaped(outcomes, ids)
