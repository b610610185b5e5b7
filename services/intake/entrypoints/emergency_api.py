"""Emergency ("break glass") access over HTTP: a clinician (or supervisor) asks to read one client
outside their caseload (or team); supervisors and admin review the grants
(services/intake/domain/emergency_access.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from services.intake import handlers
from services.intake.domain.emergency_access import AccessGrant
from services.intake.entrypoints.schemas import (
    BreakGlassSchema,
    GrantForReviewSchema,
    GrantQuerySchema,
    GrantReviewSchema,
    GrantSchema,
)
from shared.audit import AuditQuery
from shared.audit_api import audit_trail
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.service import dependencies

emergency_api = Blueprint(
    "emergency_access", __name__, url_prefix="/api/v1", description="Emergency access to one client, reviewed"
)


@emergency_api.route("/clients/<client_id>/emergency-access")
class BreakGlass(MethodView):
    @emergency_api.arguments(BreakGlassSchema)
    @emergency_api.response(201, GrantSchema)
    @emergency_api.alt_response(200, schema=GrantSchema, description="The grant already in force")
    def post(self, body: dict[str, str], client_id: str) -> tuple[AccessGrant, int]:
        """Break glass (clinicians, supervisors): read this one client, outside your caseload or team, for
        EMERGENCY_ACCESS_MINUTES (60 unless set). Recorded, and reviewed by a supervisor. Asked again
        while a grant is in force, the same grant is answered (200), neither extended nor replaced.
        404 only when no such client exists."""
        deps = dependencies()
        grant, new = handlers.break_glass(
            client_id, body["reason"], current_principal().sub, utcnow(), deps.emergency_minutes, deps.uow(), deps.repos
        )
        return grant, 201 if new else 200


@emergency_api.route("/emergency-access")
class Grants(MethodView):
    @emergency_api.arguments(GrantQuerySchema, location="query")
    @emergency_api.response(200, GrantForReviewSchema(many=True))
    @emergency_api.paginate(page_size=50, max_page_size=200)
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
        """The emergency access grants, newest first, a page at a time (supervisors and admin), with
        the reason and how many requests intake served under each; `reviewed=false` for those
        awaiting review. The total is in the X-Pagination header."""
        grants, total = handlers.emergency_grants(
            query.get("reviewed"),
            query.get("start"),
            query.get("end"),
            dependencies().repos,
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return [for_review(grant) for grant in grants]


def for_review(grant: AccessGrant) -> dict[str, Any]:
    _records, reads = audit_trail().find(AuditQuery(emergency_grant=grant.id), limit=1)
    return asdict(grant) | {"reads": reads}


@emergency_api.route("/emergency-access/<grant_id>/review")
class ReviewGrant(MethodView):
    @emergency_api.arguments(GrantReviewSchema)
    @emergency_api.response(200, GrantForReviewSchema)
    def post(self, body: dict[str, str], grant_id: str) -> dict[str, Any]:
        """Mark a grant reviewed, with a note (supervisors and admin other than the grantee); once:
        409 when it was reviewed already."""
        deps = dependencies()
        grant = handlers.review_grant(grant_id, body["note"], current_principal().sub, utcnow(), deps.uow(), deps.repos)
        return for_review(grant)
