"""HTTP API of the notifications service."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from services.notifications import handlers
from shared.auth import roles_required
from shared.service import dependencies

recipients_api = Blueprint("recipients", __name__, url_prefix="/api/v1/recipients",
                           description="Who can be reached, and how")


class RecipientStatusSchema(Schema):
    client_id = fields.String()
    preferred_channel = fields.String()
    reachable = fields.Boolean()


@recipients_api.route("/<client_id>")
class RecipientStatus(MethodView):
    @recipients_api.response(200, RecipientStatusSchema)
    @roles_required("clinician", "supervisor", "admin")
    def get(self, client_id: str):
        """Whether the client can be sent reminders (never the address itself)."""
        try:
            return handlers.recipient_status(client_id, dependencies().recipients)
        except handlers.UnknownRecipient:
            abort(404, message="No such recipient.")
