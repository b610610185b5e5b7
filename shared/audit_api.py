"""The audit trail over HTTP, the same on every service: admin's query, and what views tell the
trail about the clients a request touched (shared/web.py writes the records)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters
from marshmallow import Schema, ValidationError, fields, validates_schema

from shared.audit import REFUSED, RESULTS, AuditQuery, AuditRecord, AuditTrail
from shared.auth import RouteRoles
from shared.roles import ADMIN

AUDIT_KEY = "ipt.audit"  # app.extensions: the service's AuditTrail


class AuditQuerySchema(Schema):
    client_id = fields.String(metadata={"description": "Records that named or showed this client"})
    actor = fields.String(metadata={"description": "Records of this staff member (the token's `sub`)"})
    start = fields.AwareDateTime(
        data_key="from", format="iso", metadata={"description": "From this moment (ISO 8601 with offset), inclusive"}
    )
    end = fields.AwareDateTime(
        data_key="to", format="iso", metadata={"description": "Until this moment (ISO 8601 with offset), exclusive"}
    )

    @validates_schema
    def ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise ValidationError("Must be after `from`.", "to")


class AuditRecordSchema(Schema):
    id = fields.String()
    at = fields.AwareDateTime(format="iso")
    service = fields.String()
    actor = fields.String()
    role = fields.String()
    action = fields.String(metadata={"description": "The method and the endpoint, e.g. GET clients.ClientById"})
    address = fields.String(allow_none=True, metadata={"description": "The caller's network address"})
    status = fields.Integer()
    result = fields.String(metadata={"description": ", ".join(RESULTS)})
    client_id = fields.String(allow_none=True)
    clients = fields.List(fields.String(), metadata={"description": "Every client the request named or showed"})
    correlation_id = fields.String(allow_none=True)
    emergency_grant = fields.String(
        allow_none=True, metadata={"description": "The emergency access grant it was served under"}
    )


audit_api = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Who read or changed client records")
AUDIT_ROUTE_ROLES: RouteRoles = {"audit.AuditLog": {"GET": (ADMIN,)}}


def audit_trail() -> AuditTrail:
    trail: AuditTrail = current_app.extensions[AUDIT_KEY]
    return trail


# flask-smorest ships no type information: its decorators are untyped.
@audit_api.route("")
class AuditLog(MethodView):
    @audit_api.arguments(AuditQuerySchema, location="query")  # type: ignore[untyped-decorator]
    @audit_api.response(200, AuditRecordSchema(many=True))  # type: ignore[untyped-decorator]
    @audit_api.paginate(page_size=50, max_page_size=200)  # type: ignore[untyped-decorator]
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[AuditRecord]:
        """The audit trail of this service, newest first, a page at a time (admin only): who read or
        changed which client's record, when, from where, and with what result. The total is in the
        X-Pagination header."""
        records, total = audit_trail().find(
            AuditQuery(**query), offset=pagination_parameters.first_item, limit=pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        return records


# -- what a view tells the trail ------------------------------------------------------------------
AUDIT_CLIENTS_KEY = "audit_clients"  # g: the clients a view named or showed, beyond its URL
AUDIT_RESULT_KEY = "audit_result"  # g: a result the status alone cannot tell (REFUSED)


def audit_clients(*client_ids: str) -> None:
    """The clients this request read or changed that its URL does not name (a list, a new record)."""
    g.setdefault(AUDIT_CLIENTS_KEY, []).extend(client_ids)


def audit_refused() -> None:
    """The record exists, but the caller may not know of it (they are answered 404 all the same)."""
    g.setdefault(AUDIT_RESULT_KEY, REFUSED)
