"""HTTP API of the sessions service."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.sessions import handlers
from shared.auth import roles_required
from shared.service import dependencies

episodes_api = Blueprint("episodes", __name__, url_prefix="/api/v1/episodes",
                         description="Treatment episodes")

CLINICAL_ROLES = ("clinician", "supervisor", "intake", "admin")


class EpisodeQuery(Schema):
    client_id = fields.String(required=True, metadata={"description": "The client's id"})


class ProblemAreaSchema(Schema):
    area = fields.String()
    stage = fields.String(allow_none=True)


class EpisodeAdmissionSchema(Schema):
    track = fields.String()
    primary_problem_area = fields.Nested(ProblemAreaSchema)
    secondary_problem_area = fields.Nested(ProblemAreaSchema, allow_none=True)
    preferred_days = fields.List(fields.String())
    preferred_times = fields.List(fields.String())
    clinician_preference = fields.String(allow_none=True)
    admitted_at = fields.AwareDateTime(format="iso")


class EpisodeSchema(Schema):
    id = fields.String()
    client_id = fields.String()
    program = fields.String()
    status = fields.String()
    opened_at = fields.AwareDateTime(format="iso")
    admission = fields.Nested(EpisodeAdmissionSchema, allow_none=True)


@episodes_api.route("")
class Episodes(MethodView):
    @episodes_api.arguments(EpisodeQuery, location="query")
    @episodes_api.response(200, EpisodeSchema(many=True))
    @roles_required(*CLINICAL_ROLES)
    def get(self, query: dict) -> list:
        """The client's treatment episodes, oldest first."""
        return handlers.episodes_for_client(query["client_id"], dependencies().episodes)
