"""HTTP API of the intake service."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.intake import handlers
from services.intake.domain.client import Contact, Registration
from services.intake.domain.errors import NotFound, RuleViolation
from services.intake.entrypoints.schemas import ClientSchema, RegisterClientSchema
from shared.auth import current_principal, roles_required
from shared.envelope import utcnow
from shared.service import dependencies

clients_api = Blueprint("clients", __name__, url_prefix="/api/v1/clients",
                        description="Referred clients")

REGISTRARS = ("intake", "admin")
READERS = ("intake", "clinician", "supervisor", "admin")


@clients_api.route("")
class Clients(MethodView):
    @clients_api.arguments(RegisterClientSchema)
    @clients_api.response(201, ClientSchema)
    @roles_required(*REGISTRARS)
    def post(self, body: dict):
        """Register a referred client."""
        deps = dependencies()
        registration = Registration(
            given_name=body["given_name"].strip(), family_name=body["family_name"].strip(),
            date_of_birth=body["date_of_birth"], program=body["program"],
            contact=Contact(**body["contact"]), preferred_channel=body["preferred_channel"])
        try:
            return handlers.register_client(registration, by=current_principal().sub, now=utcnow(),
                                            uow=deps.uow(), clients=deps.clients)
        except RuleViolation as violation:
            abort(422, message="The client could not be registered.", messages={"json": violation.errors})


@clients_api.route("/<client_id>")
class ClientById(MethodView):
    @clients_api.response(200, ClientSchema)
    @roles_required(*READERS)
    def get(self, client_id: str):
        """One client's registration details."""
        try:
            return handlers.get_client(client_id, dependencies().clients)
        except NotFound:
            abort(404, message="No such client.")
