"""HTTP API of the notifications service."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from services.notifications import handlers
from shared.auth import current_principal, roles_required
from shared.documents import StaleWrite
from shared.envelope import utcnow
from shared.service import dependencies

recipients_api = Blueprint("recipients", __name__, url_prefix="/api/v1/recipients",
                           description="Who can be reached, and how")
alerts_api = Blueprint("alerts", __name__, url_prefix="/api/v1/alerts", description="Clinical alerts to staff")
CLINICAL = ("clinician", "supervisor", "admin")


class RecipientStatusSchema(Schema):
    client_id = fields.String()
    preferred_channel = fields.String()
    reachable = fields.Boolean()


class AlertSchema(Schema):
    id = fields.String()
    client_id = fields.String()
    flag_id = fields.String()
    urgency = fields.String()
    source = fields.String()
    status = fields.String()
    escalation_level = fields.Integer()
    audience = fields.String()
    raised_at = fields.AwareDateTime(format="iso")
    escalate_at = fields.AwareDateTime(format="iso")
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = fields.AwareDateTime(format="iso", allow_none=True)
    resolved_at = fields.AwareDateTime(format="iso", allow_none=True)


@recipients_api.route("/<client_id>")
class RecipientStatus(MethodView):
    @recipients_api.response(200, RecipientStatusSchema)
    @roles_required(*CLINICAL)
    def get(self, client_id: str):
        """Whether the client can be sent reminders (never the address itself)."""
        try:
            return handlers.recipient_status(client_id, dependencies().recipients)
        except handlers.UnknownRecipient:
            abort(404, message="No such recipient.")


@alerts_api.route("")
class Alerts(MethodView):
    @alerts_api.response(200, AlertSchema(many=True))
    @roles_required(*CLINICAL)
    def get(self):
        """Alerts not yet resolved, oldest first."""
        return dependencies().alerts.unresolved()


@alerts_api.route("/<alert_id>/acknowledge")
class AcknowledgeAlert(MethodView):
    @alerts_api.response(200, AlertSchema)
    @roles_required(*CLINICAL)
    def post(self, alert_id: str):
        """Acknowledge an alert: someone has taken it on, so it stops escalating."""
        deps = dependencies()
        try:
            return handlers.acknowledge_alert(alert_id, current_principal().sub, utcnow(), deps.uow, deps.alerts)
        except handlers.UnknownAlert:
            abort(404, message="No such alert.")
        except StaleWrite:
            abort(409, message="The alert is changing right now; reload and try again.")
