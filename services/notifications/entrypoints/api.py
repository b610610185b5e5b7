"""HTTP API of the notifications service: thin views that call one handler each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.notifications import handlers
from services.notifications.domain.access import Viewer, may_see_client
from services.notifications.domain.alert import Alert
from services.notifications.domain.notification import Notification
from services.notifications.domain.staff import OnCall, StaffMember
from services.notifications.entrypoints.schemas import (
    AlertQuery,
    AlertSchema,
    NotificationQuery,
    NotificationSchema,
    OnCallSchema,
    PreferencesRequest,
    PreferencesSchema,
    RecipientStatusSchema,
    StaffMemberRequest,
    StaffMemberSchema,
)
from shared.auth import current_principal
from shared.emergency_requests import emergency_pass
from shared.envelope import utcnow
from shared.errors import NotFound
from shared.service import dependencies

recipients_api = Blueprint(
    "recipients", __name__, url_prefix="/api/v1/recipients", description="Who can be reached, and how"
)
notifications_api = Blueprint(
    "notifications", __name__, url_prefix="/api/v1/notifications", description="Every message, planned or sent"
)
alerts_api = Blueprint("alerts", __name__, url_prefix="/api/v1/alerts", description="Clinical alerts to staff")
clients_api = Blueprint("clients", __name__, url_prefix="/api/v1/clients", description="What clients asked for")
on_call_api = Blueprint("on_call", __name__, url_prefix="/api/v1/on-call", description="Who is on call")
staff_api = Blueprint("staff", __name__, url_prefix="/api/v1/staff", description="Where staff alerts are e-mailed")


def viewer() -> Viewer:
    principal = current_principal()
    repos = dependencies().repos
    team = repos.supervision.team_seen_by(principal.sub, principal.role)
    return Viewer(principal.sub, principal.role, team, emergency_pass(repos.emergency))


def client_gate(what: str) -> Callable[[], None]:
    """Before a view naming a client in its URL: a client the caller may not know of (a clinician's
    other than their caseload, another team's for a supervisor) is answered exactly like one
    notifications never heard of."""

    def gate() -> None:
        client_id = (request.view_args or {}).get("client_id")
        if client_id is None or g.get("principal") is None:
            return
        if not may_see_client(viewer(), client_id, dependencies().repos.staff.treating(client_id)):
            raise NotFound(what)

    return gate


recipients_api.before_request(client_gate("recipient"))
clients_api.before_request(client_gate("client"))


@recipients_api.route("/<client_id>")
class RecipientStatus(MethodView):
    @recipients_api.response(200, RecipientStatusSchema)
    def get(self, client_id: str) -> dict[str, Any]:
        """Whether the client can be sent reminders (never the address itself)."""
        return handlers.recipient_status(client_id, dependencies().repos.recipients)


@notifications_api.route("")
class Notifications(MethodView):
    @notifications_api.arguments(NotificationQuery, location="query")
    @notifications_api.response(200, NotificationSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[Notification]:
        """Messages by time (`client_id`, `recipient`, `type`, `status` narrow them): a clinician sees
        those addressed to them and those about the clients of their caseload, a supervisor those
        about their team's clients and the clients nobody treats yet too; `recipient=<own id>` is
        their in-app inbox (`channel` `in_app`)."""
        return handlers.notifications_for(query, viewer(), dependencies().repos)


@alerts_api.route("")
class Alerts(MethodView):
    @alerts_api.arguments(AlertQuery, location="query")
    @alerts_api.response(200, AlertSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[Alert]:
        """Alerts oldest first (`status=open`, `acknowledged` or `resolved`; without it, the ones not
        resolved): a clinician sees those that reached them and those about their own clients, a
        supervisor those about their team's clients and the clients nobody treats yet too."""
        return handlers.alerts_for(query["status"], viewer(), dependencies().repos)


@alerts_api.route("/<alert_id>/acknowledge")
class AcknowledgeAlert(MethodView):
    @alerts_api.response(200, AlertSchema)
    def post(self, alert_id: str) -> Alert:
        """Acknowledge an alert: someone has taken it on, so it stops escalating."""
        deps = dependencies()
        return handlers.acknowledge_alert(alert_id, viewer(), utcnow(), deps.uow, deps.repos)


@clients_api.route("/<client_id>/preferences")
class ClientPreferences(MethodView):
    @clients_api.response(200, PreferencesSchema)
    def get(self, client_id: str) -> dict[str, Any]:
        """The channel messages go on now (a later change at intake wins over an earlier one here),
        the opt-out and the quiet hours (the centre's default until set)."""
        deps = dependencies()
        return handlers.preferences_of(client_id, deps.repos, deps.policy)

    @clients_api.arguments(PreferencesRequest)
    @clients_api.response(200, PreferencesSchema)
    def put(self, body: dict[str, Any], client_id: str) -> dict[str, Any]:
        """Record what the client asked for (`quiet_hours` null: none); it applies to every message
        not yet sent."""
        deps = dependencies()
        return handlers.set_preferences(
            client_id, body, current_principal().sub, utcnow(), deps.uow, deps.repos, deps.policy
        )


@on_call_api.route("")
class OnCallRota(MethodView):
    @on_call_api.response(200, OnCallSchema)
    def get(self) -> OnCall:
        """Who is on call: the clinician (alerts for clients without a clinician), then the
        supervisor and the clinical lead (escalations)."""
        return handlers.on_call(dependencies().repos)

    @on_call_api.arguments(OnCallSchema)
    @on_call_api.response(200, OnCallSchema)
    def put(self, body: dict[str, str]) -> OnCall:
        """Hand over the rota: the next alert and the next escalation step reach these staff."""
        deps = dependencies()
        return handlers.set_on_call(body, current_principal().sub, utcnow(), deps.uow, deps.repos)


@staff_api.route("/<staff_id>")
class StaffMemberView(MethodView):
    @staff_api.response(200, StaffMemberSchema)
    def get(self, staff_id: str) -> StaffMember:
        """A staff member's alert e-mail address."""
        return handlers.staff_member(staff_id, dependencies().repos)

    @staff_api.arguments(StaffMemberRequest)
    @staff_api.response(200, StaffMemberSchema)
    def put(self, body: dict[str, str], staff_id: str) -> StaffMember:
        """Where a staff member's alert e-mails go (`staff_id` is their username, the token's `sub`)."""
        deps = dependencies()
        return handlers.set_staff_member(
            staff_id, body["email"], current_principal().sub, utcnow(), deps.uow, deps.repos
        )
