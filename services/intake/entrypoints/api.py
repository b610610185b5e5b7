"""HTTP API of the intake service: clients, screenings, risk, consents, assessment, admission."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from flask_smorest.pagination import PaginationParameters

from services.intake import handlers
from services.intake.domain.client import Client
from services.intake.domain.consent import Consent
from services.intake.entrypoints import commands
from services.intake.entrypoints.access import client_gate, viewer
from services.intake.entrypoints.schemas import (
    AdmissionReadinessSchema,
    AdmissionSchema,
    AssessmentSchema,
    ClearFlagSchema,
    ClientQuerySchema,
    ClientSchema,
    ClientSummarySchema,
    ConsentSchema,
    CorrectClientSchema,
    InstrumentSchema,
    InstrumentSummarySchema,
    ManualFlagSchema,
    PossibleDuplicateSchema,
    QueueEntrySchema,
    QueueQuerySchema,
    RegisterClientSchema,
    RevokeConsentSchema,
    RiskFlagSchema,
    ScreeningRequestSchema,
    ScreeningSchema,
)
from shared.audit_api import audit_clients
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.instruments import INSTRUMENTS
from shared.service import dependencies
from shared.web import idempotency_key

clients_api = Blueprint("clients", __name__, url_prefix="/api/v1", description="Referred clients and their intake")
# Lists come a page at a time (?page=&page_size=), 50 unless asked otherwise.
clients_api.DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 200}
SEARCH_PAGE_SIZE, SEARCH_MAX_PAGE_SIZE = 20, 50
# Who may know of the client named in the URL is checked before any view runs.
clients_api.before_request(client_gate)
instruments_api = Blueprint(
    "instruments", __name__, url_prefix="/api/v1/instruments", description="Screening instruments"
)


@clients_api.route("/clients")
class Clients(MethodView):
    @clients_api.arguments(RegisterClientSchema)
    @clients_api.response(201, ClientSchema)
    @clients_api.alt_response(409, schema=PossibleDuplicateSchema, description="A possible duplicate")
    def post(self, body: dict):
        """Register a referred client (409 on a possible duplicate unless allow_duplicate)."""
        client = commands.register(body | {"request_key": body.get("request_key") or idempotency_key()}, dependencies())
        audit_clients(client.id)
        return client

    @clients_api.arguments(ClientQuerySchema, location="query")
    @clients_api.response(200, ClientSummarySchema(many=True))
    @clients_api.paginate(page_size=SEARCH_PAGE_SIZE, max_page_size=SEARCH_MAX_PAGE_SIZE)
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[Client]:
        """Search the clients you may know of, a page at a time, newest first: by the start of
        their names, or by id; with `date_of_birth`, by the exact full name and that date (which
        finds admitted clients too for those who register clients). X-Pagination gives the total.

        Clinicians find the clients of their caseload (and those a risk alert reached them about),
        intake staff clients not yet admitted, supervisors and admin every client."""
        clients, total = handlers.search_clients(
            query["query"],
            viewer(),
            dependencies().repos,
            query.get("date_of_birth"),
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        audit_clients(*(client.id for client in clients))
        return clients


@clients_api.route("/clients/<client_id>")
class ClientById(MethodView):
    @clients_api.response(200, ClientSchema)
    def get(self, client_id: str):
        """One client's intake record."""
        return handlers.get_client(client_id, dependencies().repos)

    @clients_api.arguments(CorrectClientSchema)
    @clients_api.response(200, ClientSchema)
    @clients_api.alt_response(
        409, schema=PossibleDuplicateSchema, description="A possible duplicate, or the record changed meanwhile"
    )
    def patch(self, body: dict[str, Any], client_id: str) -> Client:
        """Correct registration details (a typo, a new phone); the change is audited and published."""
        client, _changed = commands.correct(client_id, body, dependencies(), request_key=idempotency_key())
        return client


@clients_api.route("/clients/<client_id>/screenings")
class Screenings(MethodView):
    @clients_api.arguments(ScreeningRequestSchema)
    @clients_api.response(201, ScreeningSchema)
    def post(self, body: dict, client_id: str):
        """Administer a screening: scored on the server; risk raises a flag at once."""
        return commands.screen(client_id, body, dependencies(), idempotency_key())

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
            client_id,
            body["urgency"],
            body["note"],
            current_principal().sub,
            utcnow(),
            deps.uow(),
            deps.repos,
            idempotency_key(),
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
            client_id, flag_id, body["reason"], current_principal(), utcnow(), deps.uow(), deps.repos, idempotency_key()
        )


@clients_api.route("/clients/<client_id>/consents")
class Consents(MethodView):
    @clients_api.arguments(ConsentSchema)
    @clients_api.response(201, ConsentSchema)
    def post(self, body: dict, client_id: str):
        """Record a consent: to treatment, or a 42 CFR Part 2 disclosure consent."""
        deps = dependencies()
        by = current_principal().sub
        return handlers.record_consent(client_id, body, by, utcnow(), deps.uow(), deps.repos, idempotency_key())

    @clients_api.response(200, ConsentSchema(many=True))
    def get(self, client_id: str):
        """The client's consents, including revoked ones."""
        return handlers.get_client(client_id, dependencies().repos).consents


@clients_api.route("/clients/<client_id>/consents/<consent_id>/revoke")
class RevokeConsent(MethodView):
    @clients_api.arguments(RevokeConsentSchema, required=False)
    @clients_api.response(200, ConsentSchema)
    def post(self, body: dict[str, Any], client_id: str, consent_id: str) -> Consent:
        """Record that the client revoked a consent, optionally why (the reason stays in intake)."""
        deps = dependencies()
        by, key = current_principal().sub, idempotency_key()
        return handlers.revoke_consent(
            client_id, consent_id, by, utcnow(), deps.uow(), deps.repos, key, (body or {}).get("reason")
        )


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
    @clients_api.response(200, AdmissionReadinessSchema)
    def get(self, client_id: str) -> dict[str, Any]:
        """What is still missing before admission: blocking gaps, and gaps an override may pass."""
        gaps = handlers.admission_gaps(client_id, current_principal().role, utcnow().date(), dependencies().repos)
        return {"ready": not gaps, "gaps": gaps}

    @clients_api.arguments(AdmissionSchema)
    @clients_api.response(201, ClientSchema)
    def post(self, body: dict, client_id: str):
        """Admit the client to an IPT track."""
        deps = dependencies()
        return commands.admit(client_id, body, deps, idempotency_key())


@clients_api.route("/work-queue")
class WorkQueue(MethodView):
    @clients_api.arguments(QueueQuerySchema, location="query")
    @clients_api.response(200, QueueEntrySchema(many=True))
    @clients_api.paginate()
    def get(self, query: dict[str, str], pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
        """What needs doing for the clients you may know of, a page at a time: open risk flags first,
        then screenings, then clients waiting for consent or admission. The X-Pagination header
        gives the total."""
        entries = handlers.work_queue_entries(dependencies().repos, utcnow().date(), viewer(), **query)
        pagination_parameters.item_count = len(entries)
        first = pagination_parameters.first_item
        shown = entries[first : first + pagination_parameters.page_size]
        audit_clients(*(client.id for _, client in shown))
        return [
            {"kind": e.kind, "stage": e.stage, "urgency": e.urgency, "since": e.since, "due": list(e.due), "client": c}
            for e, c in shown
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
