"""HTTP API of the sessions service: thin views that call one handler each."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.sessions import handlers
from services.sessions.domain.episode import Episode
from services.sessions.entrypoints.schemas import EpisodeQuery, EpisodeSchema
from shared.service import dependencies

episodes_api = Blueprint("episodes", __name__, url_prefix="/api/v1/episodes", description="Treatment episodes")


@episodes_api.route("")
class Episodes(MethodView):
    @episodes_api.arguments(EpisodeQuery, location="query")
    @episodes_api.response(200, EpisodeSchema(many=True))
    def get(self, query: dict[str, str]) -> list[Episode]:
        """The client's treatment episodes, oldest first."""
        return handlers.episodes_for_client(query["client_id"], dependencies().episodes)
