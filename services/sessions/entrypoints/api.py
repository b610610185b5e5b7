"""HTTP API of the sessions service: thin views that call one handler each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.sessions import groups, handlers, scheduling
from services.sessions.domain.access import Viewer
from services.sessions.domain.clinician import Clinician
from services.sessions.domain.episode import Episode
from services.sessions.domain.group import Group
from services.sessions.domain.session import Session
from services.sessions.entrypoints.calendar import calendar_feed, subscription_link
from services.sessions.entrypoints.schemas import (
    CalendarLinkSchema,
    CaseloadEntrySchema,
    ClinicianChangeSchema,
    ClinicianSchema,
    EpisodeChangeSchema,
    EpisodeQuery,
    EpisodeSchema,
    GroupRequestSchema,
    GroupSchema,
    MembershipSchema,
    NewMemberSchema,
    RangeQuery,
    SeriesRequestSchema,
    SeriesSchema,
    SessionChangeSchema,
    SessionRecordSchema,
    SessionSchema,
)
from shared.auth import CALENDAR_SCOPE, current_principal
from shared.emergency_requests import emergency_pass
from shared.envelope import utcnow
from shared.service import dependencies

episodes_api = Blueprint("episodes", __name__, url_prefix="/api/v1/episodes", description="Treatment episodes")
clinicians_api = Blueprint("clinicians", __name__, url_prefix="/api/v1/clinicians", description="Clinicians")


class CaseloadEntry:
    """An episode with what the caseload shows beside it: the client's worst open risk flag,
    latest PHQ-9 and GAD-7, and the next session."""

    def __init__(self, episode: Episode, open_risk: str | None, latest: dict[str, Any], next_session: Any) -> None:
        self.episode, self.open_risk, self.next_session = episode, open_risk, next_session
        self.latest_phq9, self.latest_gad7 = latest.get("phq9"), latest.get("gad7")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.episode, name)


def viewer() -> Viewer:
    principal = current_principal()
    repos = dependencies().repos
    return handlers.viewer_for(principal.sub, principal.role, repos, emergency_pass(repos.emergency))


@episodes_api.route("")
class Episodes(MethodView):
    @episodes_api.arguments(EpisodeQuery, location="query")
    @episodes_api.response(200, EpisodeSchema(many=True))
    def get(self, query: dict[str, str]) -> list[Episode]:
        """The client's treatment episodes the caller may see, oldest first."""
        return handlers.episodes_for_client(query["client_id"], viewer(), dependencies().repos)


@episodes_api.route("/<episode_id>/trajectory.svg")
class Trajectory(MethodView):
    @episodes_api.response(200, {"type": "string"}, content_type="image/svg+xml")
    def get(self, episode_id: str) -> Response:
        """The client's PHQ-9 and GAD-7 over the course, severity bands shaded (an accessible SVG)."""
        svg = handlers.trajectory(episode_id, viewer(), dependencies().repos)
        return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@episodes_api.route("/<episode_id>")
class EpisodeById(MethodView):
    @episodes_api.response(200, EpisodeSchema)
    def get(self, episode_id: str) -> Episode:
        """One episode: clinician, track, problem areas, sessions planned and attended, phase."""
        return handlers.get_episode(episode_id, viewer(), dependencies().repos)

    @episodes_api.arguments(EpisodeChangeSchema)
    @episodes_api.response(200, EpisodeSchema)
    def patch(self, changes: dict[str, Any], episode_id: str) -> Episode:
        """Assign a clinician (409 over the caseload limit unless override), agree the number of
        sessions or maintenance, or close with a reason (completed, dropped_out, referred_on)."""
        deps = dependencies()
        return handlers.change_episode(episode_id, changes, viewer(), utcnow(), deps.uow(), deps.repos, deps.policy)


@clinicians_api.route("")
class Clinicians(MethodView):
    @clinicians_api.arguments(ClinicianSchema)
    @clinicians_api.response(201, ClinicianSchema)
    def post(self, fields: dict[str, Any]) -> Clinician:
        """A clinician's profile: hours in their own time zone, caseload limit, programs."""
        deps = dependencies()
        return handlers.add_clinician(fields, utcnow(), deps.uow(), deps.repos)

    @clinicians_api.response(200, ClinicianSchema(many=True))
    def get(self) -> list[Clinician]:
        """Every clinician profile."""
        return handlers.list_clinicians(dependencies().repos)


@clinicians_api.route("/<clinician_id>")
class ClinicianById(MethodView):
    @clinicians_api.response(200, ClinicianSchema)
    def get(self, clinician_id: str) -> Clinician:
        """One clinician's profile."""
        return handlers.get_clinician(clinician_id, dependencies().repos)

    @clinicians_api.arguments(ClinicianChangeSchema)
    @clinicians_api.response(200, ClinicianSchema)
    def patch(self, changes: dict[str, Any], clinician_id: str) -> Clinician:
        """Change a profile: only the fields sent."""
        deps = dependencies()
        return handlers.update_clinician(clinician_id, changes, utcnow(), deps.uow(), deps.repos)


@clinicians_api.route("/<clinician_id>/caseload")
class Caseload(MethodView):
    @clinicians_api.response(200, CaseloadEntrySchema(many=True))
    def get(self, clinician_id: str) -> list[CaseloadEntry]:
        """A clinician's open episodes (their own; a supervisor their team's; admin anyone's), clients
        with an open risk flag first."""
        repos = dependencies().repos
        episodes = handlers.caseload(viewer(), repos, clinician_id)
        clients = [e.client_id for e in episodes]
        risk, latest = handlers.open_risk(clients, repos), handlers.latest_scores(clients, repos)
        upcoming = repos.sessions.next_for_episodes([e.id for e in episodes], utcnow())
        return [
            CaseloadEntry(e, risk[e.client_id], latest[e.client_id], getattr(upcoming.get(e.id), "start", None))
            for e in episodes
        ]


sessions_api = Blueprint("sessions", __name__, url_prefix="/api/v1", description="Therapy sessions")


@sessions_api.route("/episodes/<episode_id>/sessions")
class EpisodeSessions(MethodView):
    @sessions_api.arguments(SeriesRequestSchema)
    @sessions_api.response(201, SeriesSchema)
    def post(self, request: dict[str, Any], episode_id: str) -> dict[str, list[Session]]:
        """Book a weekly or fortnightly series in the clinician's local time (kept across daylight-saving
        changes); 409 `{"conflicts": [{"start", "reason"}]}` books nothing."""
        deps = dependencies()
        booked = scheduling.book_series(episode_id, request, viewer(), utcnow(), deps.uow(), deps.repos)
        return {"sessions": booked}

    @sessions_api.response(200, SessionSchema(many=True))
    def get(self, episode_id: str) -> list[Session]:
        """The episode's sessions, in time order."""
        return scheduling.sessions_of_episode(episode_id, viewer(), dependencies().repos)


@sessions_api.route("/sessions/<session_id>")
class SessionById(MethodView):
    @sessions_api.response(200, SessionSchema)
    def get(self, session_id: str) -> Session:
        """One session."""
        return scheduling.get_session(session_id, viewer(), dependencies().repos)

    @sessions_api.arguments(SessionChangeSchema)
    @sessions_api.response(200, SessionSchema)
    def patch(self, change: dict[str, Any], session_id: str) -> Session:
        """Reschedule (`start`), record attendance (`status` attended or no_show, once the session
        has started), or cancel (`status` cancelled with `cancelled_by`; inside 24 h it is late)."""
        deps = dependencies()
        return scheduling.change_session(session_id, change, viewer(), utcnow(), deps.uow(), deps.repos, deps.policy)


@sessions_api.route("/sessions/<session_id>/record")
class SessionRecordView(MethodView):
    @sessions_api.arguments(SessionRecordSchema)
    @sessions_api.response(200, SessionSchema)
    def put(self, body: dict[str, Any], session_id: str) -> Session:
        """Document an attended session: phase, problem-area focus, interventions, homework, risk
        review, and the measures given (raw answers, scored here; a PHQ-9 item 9 above 0 raises a
        risk flag through intake as at intake). Replaces an earlier record."""
        deps = dependencies()
        return scheduling.document_session(session_id, body, viewer(), utcnow(), deps.uow(), deps.repos)


@clinicians_api.route("/<clinician_id>/schedule")
class Schedule(MethodView):
    @clinicians_api.arguments(RangeQuery, location="query")
    @clinicians_api.response(200, SessionSchema(many=True))
    def get(self, query: dict[str, Any], clinician_id: str) -> list[Session]:
        """The clinician's sessions between `from` and `to` (ISO 8601 with offset), cancelled ones too."""
        return scheduling.clinician_schedule(clinician_id, query["from_"], query["to"], viewer(), dependencies().repos)


@clinicians_api.route("/<clinician_id>/calendar.ics")
class Calendar(MethodView):
    @clinicians_api.response(200, {"type": "string"}, content_type="text/calendar")
    def get(self, clinician_id: str) -> Response:
        """An iCalendar feed of the clinician's sessions (past 30 days to a year ahead) for any
        calendar app: times and session numbers only, never a client's name."""
        now, principal = utcnow(), current_principal()
        if principal.scope == CALENDAR_SCOPE:
            handlers.check_calendar_link(clinician_id, principal.sub, principal.feed, dependencies().repos)
        sessions = scheduling.clinician_schedule(
            clinician_id, now - timedelta(days=30), now + timedelta(days=365), viewer(), dependencies().repos
        )
        return Response(calendar_feed(clinician_id, sessions, now), mimetype="text/calendar")


@clinicians_api.route("/<clinician_id>/calendar-feed")
class CalendarFeed(MethodView):
    @clinicians_api.response(201, CalendarLinkSchema)
    def post(self, clinician_id: str) -> dict[str, str]:
        """A subscription link to one's own calendar feed, for a calendar app (valid a year); the link
        made before it stops working at once. The link is shown only in this answer."""
        deps = dependencies()
        clinician = handlers.open_calendar_feed(clinician_id, viewer(), deps.uow(), deps.repos)
        return subscription_link(clinician, current_principal().role, utcnow())

    @clinicians_api.response(204)
    def delete(self, clinician_id: str) -> None:
        """Stop the clinician's subscription link (a lost phone): the feed answers 404 to it from now on."""
        deps = dependencies()
        handlers.stop_calendar_feed(clinician_id, viewer(), deps.uow(), deps.repos)


groups_api = Blueprint("groups", __name__, url_prefix="/api/v1/groups", description="Group IPT")


@groups_api.route("")
class Groups(MethodView):
    @groups_api.arguments(GroupRequestSchema)
    @groups_api.response(201, GroupSchema)
    def post(self, body: dict[str, Any]) -> Group:
        """Set up a group: program, clinician, co-facilitator, capacity, and its meetings as a series
        (409 `{"conflicts": [...]}` when a meeting clashes for either facilitator)."""
        deps = dependencies()
        return groups.create_group(body, viewer(), utcnow(), deps.uow(), deps.repos)

    @groups_api.response(200, GroupSchema(many=True))
    def get(self) -> list[Group]:
        """The groups the caller leads or co-facilitates (a supervisor's team's; admin all)."""
        return groups.list_groups(viewer(), dependencies().repos)


@groups_api.route("/<group_id>")
class GroupById(MethodView):
    @groups_api.response(200, GroupSchema)
    def get(self, group_id: str) -> Group:
        """One group with its meetings and members."""
        return groups.get_group(group_id, viewer(), dependencies().repos)


@groups_api.route("/<group_id>/members")
class GroupMembers(MethodView):
    @groups_api.arguments(NewMemberSchema)
    @groups_api.response(201, MembershipSchema)
    def post(self, body: dict[str, Any], group_id: str) -> dict[str, Any]:
        """Take an admitted client's episode into the group (409 when full or the program differs):
        their place at every meeting to come, and the pre-group meeting when `pre_group_start` is given.
        Attendance is then recorded per member on their sessions."""
        deps = dependencies()
        group, booked = groups.add_member(group_id, body, viewer(), utcnow(), deps.uow(), deps.repos)
        return {"group": group, "sessions": booked}
