"""HTTP API of the notifications service: thin views that call one handler each."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.notifications import handlers
from services.notifications.domain.alert import Alert
from services.notifications.entrypoints.schemas import AlertSchema, RecipientStatusSchema
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.service import dependencies

recipients_api = Blueprint(
    "recipients", __name__, url_prefix="/api/v1/recipients", description="Who can be reached, and how"
)
alerts_api = Blueprint("alerts", __name__, url_prefix="/api/v1/alerts", description="Clinical alerts to staff")


@recipients_api.route("/<client_id>")
class RecipientStatus(MethodView):
    @recipients_api.response(200, RecipientStatusSchema)
    def get(self, client_id: str) -> dict[str, Any]:
        """Whether the client can be sent reminders (never the address itself)."""
        return handlers.recipient_status(client_id, dependencies().recipients)


@alerts_api.route("")
class Alerts(MethodView):
    @alerts_api.response(200, AlertSchema(many=True))
    def get(self) -> list[Alert]:
        """Alerts not yet resolved, oldest first."""
        return handlers.unresolved_alerts(dependencies().alerts)


@alerts_api.route("/<alert_id>/acknowledge")
class AcknowledgeAlert(MethodView):
    @alerts_api.response(200, AlertSchema)
    def post(self, alert_id: str) -> Alert:
        """Acknowledge an alert: someone has taken it on, so it stops escalating."""
        deps = dependencies()
        return handlers.acknowledge_alert(alert_id, current_principal().sub, utcnow(), deps.uow, deps.alerts)
