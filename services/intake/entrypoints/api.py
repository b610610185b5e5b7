"""HTTP API of the intake service: clients, screenings, risk, consents, assessment, admission."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.intake import handlers
from services.intake.entrypoints import commands
from services.intake.entrypoints.schemas import (
    AdmissionSchema,
    AssessmentSchema,
    ClearFlagSchema,
    ClientQuerySchema,
    ClientSchema,
    ClientSummarySchema,
    ConsentSchema,
    InstrumentSchema,
    InstrumentSummarySchema,
    ManualFlagSchema,
    QueueEntrySchema,
    RegisterClientSchema,
    RiskFlagSchema,
    ScreeningRequestSchema,
    ScreeningSchema,
)
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.instruments import INSTRUMENTS
from shared.service import dependencies

clients_api = Blueprint("clients", __name__, url_prefix="/api/v1", description="Referred clients and their intake")
instruments_api = Blueprint(
    "instruments", __name__, url_prefix="/api/v1/instruments", description="Screening instruments"
)


@clients_api.route("/clients")
class Clients(MethodView):
    @clients_api.arguments(RegisterClientSchema)
    @clients_api.response(201, ClientSchema)
    def post(self, body: dict):
        """Register a referred client (409 on a possible duplicate unless allow_duplicate)."""
        client = commands.register(body, dependencies())
        return client

    @clients_api.arguments(ClientQuerySchema, location="query")
    @clients_api.response(200, ClientSummarySchema(many=True))
    def get(self, query: dict):
        """Search clients by the start of their names, or by id."""
        return handlers.search_clients(query["query"], dependencies().repos)


@clients_api.route("/clients/<client_id>")
class ClientById(MethodView):
    @clients_api.response(200, ClientSchema)
    def get(self, client_id: str):
        """One client's intake record."""
        return handlers.get_client(client_id, dependencies().repos)


@clients_api.route("/clients/<client_id>/screenings")
class Screenings(MethodView):
    @clients_api.arguments(ScreeningRequestSchema)
    @clients_api.response(201, ScreeningSchema)
    def post(self, body: dict, client_id: str):
        """Administer a screening: scored on the server; risk raises a flag at once."""
        return commands.screen(client_id, body, dependencies())

    @clients_api.response(200, ScreeningSchema(many=True))
    def get(self, client_id: str):
        """The client's screenings, newest first."""
        return handlers.list_screenings(client_id, dependencies().repos)


@clients_api.route("/clients/<client_id>/screenings/<screening_id>")
class ScreeningById(MethodView):
    @clients_api.response(200, ScreeningSchema)
    def get(self, client_id: str, screening_id: str):
        """One screening with its answers and result."""
        return handlers.get_screening(client_id, screening_id, dependencies().repos)


@clients_api.route("/clients/<client_id>/risk-flags")
class RiskFlags(MethodView):
    @clients_api.arguments(ManualFlagSchema)
    @clients_api.response(201, RiskFlagSchema)
    def post(self, body: dict, client_id: str):
        """Raise a risk flag by hand (staff judgement needs no screening)."""
        deps = dependencies()
        return handlers.flag_risk(
            client_id, body["urgency"], body["note"], current_principal().sub, utcnow(), deps.uow(), deps.repos
        )

    @clients_api.response(200, RiskFlagSchema(many=True))
    def get(self, client_id: str):
        """Every risk flag of the client, open and cleared."""
        return handlers.get_client(client_id, dependencies().repos).risk_flags


@clients_api.route("/clients/<client_id>/risk-flags/<flag_id>/clear")
class ClearRiskFlag(MethodView):
    @clients_api.arguments(ClearFlagSchema)
    @clients_api.response(200, RiskFlagSchema)
    def post(self, body: dict, client_id: str, flag_id: str):
        """Clear a risk flag, with the reason (clinicians and supervisors only)."""
        deps = dependencies()
        return handlers.clear_risk(
            client_id, flag_id, body["reason"], current_principal(), utcnow(), deps.uow(), deps.repos
        )


@clients_api.route("/clients/<client_id>/consents")
class Consents(MethodView):
    @clients_api.arguments(ConsentSchema)
    @clients_api.response(201, ConsentSchema)
    def post(self, body: dict, client_id: str):
        """Record a consent: to treatment, or a 42 CFR Part 2 disclosure consent."""
        deps = dependencies()
        return handlers.record_consent(client_id, body, current_principal().sub, utcnow(), deps.uow(), deps.repos)

    @clients_api.response(200, ConsentSchema(many=True))
    def get(self, client_id: str):
        """The client's consents, including revoked ones."""
        return handlers.get_client(client_id, dependencies().repos).consents


@clients_api.route("/clients/<client_id>/consents/<consent_id>/revoke")
class RevokeConsent(MethodView):
    @clients_api.response(200, ConsentSchema)
    def post(self, client_id: str, consent_id: str):
        """Record that the client revoked a consent."""
        deps = dependencies()
        return handlers.revoke_consent(client_id, consent_id, current_principal().sub, utcnow(), deps.uow(), deps.repos)


@clients_api.route("/clients/<client_id>/assessment")
class ClientAssessment(MethodView):
    @clients_api.arguments(AssessmentSchema)
    @clients_api.response(200, AssessmentSchema)
    def put(self, body: dict, client_id: str):
        """Record the IPT intake assessment (replaces an earlier one until admission)."""
        deps = dependencies()
        return commands.record_assessment(client_id, body, deps)

    @clients_api.response(200, AssessmentSchema)
    def get(self, client_id: str):
        """The client's IPT intake assessment."""
        client = handlers.get_client(client_id, dependencies().repos)
        if client.assessment is None:
            abort(404, message="No assessment recorded yet.")
        return client.assessment


@clients_api.route("/clients/<client_id>/admission")
class ClientAdmission(MethodView):
    @clients_api.arguments(AdmissionSchema)
    @clients_api.response(201, ClientSchema)
    def post(self, body: dict, client_id: str):
        """Admit the client to an IPT track."""
        deps = dependencies()
        return commands.admit(client_id, body, deps)


@clients_api.route("/work-queue")
class WorkQueue(MethodView):
    @clients_api.response(200, QueueEntrySchema(many=True))
    def get(self):
        """What needs doing: open risk flags first, then new referrals and screenings due."""
        return [
            {"kind": e.kind, "urgency": e.urgency, "since": e.since, "due": list(e.due), "client": c}
            for e, c in handlers.work_queue_entries(dependencies().repos)
        ]


@instruments_api.route("")
class Instruments(MethodView):
    @instruments_api.response(200, InstrumentSummarySchema(many=True))
    def get(self):
        """Every instrument the platform can score."""
        return list(INSTRUMENTS.values())


@instruments_api.route("/<code>")
class InstrumentByCode(MethodView):
    @instruments_api.response(200, InstrumentSchema)
    def get(self, code: str):
        """One instrument with its items, answer options and LOINC codes."""
        if code not in INSTRUMENTS:
            abort(404, message=f"No instrument '{code}'. Known: {', '.join(INSTRUMENTS)}.")
        return INSTRUMENTS[code]
