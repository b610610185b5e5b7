"""What the workspace pages show, gathered through the same handlers as the API (and its access rules).

A page is always about one clinician's work: the signed-in clinician's own, or for a supervisor
or admin the clinician they choose (a staff username: no client data, so it may sit in the URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import request

from services.sessions import handlers, scheduling
from services.sessions.domain.access import Viewer, may_see
from services.sessions.domain.client_card import ClientCard, unknown_client
from services.sessions.domain.clinician import Clinician
from services.sessions.domain.episode import Episode
from services.sessions.domain.outcome_watch import OutcomeWatch
from services.sessions.domain.session import Session
from services.sessions.entrypoints.ui.emergency import emergency_grant
from shared.audit_api import audit_clients
from shared.auth import current_principal
from shared.charts.trajectory import trajectory_table_rows
from shared.emergency_access import EmergencyGrant
from shared.emergency_requests import emergency_pass
from shared.envelope import utcnow
from shared.service import dependencies


def viewer() -> Viewer:
    """The signed-in person as the access rules see them: on a read, with the emergency grants they
    hold (as the API's viewer), so a page served under one names it in its audit record."""
    principal = current_principal()
    repos = dependencies().repos
    return handlers.viewer_for(principal.sub, principal.role, repos, emergency_pass(repos.emergency))


@dataclass(frozen=True)
class Workspace:
    """Whose work the page shows, and the clinicians the viewer may switch to."""

    viewer: Viewer
    clinician: Clinician | None  # None: the viewer has no profile and chose nobody
    choices: list[Clinician]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.clinician.time_zone) if self.clinician else ZoneInfo("UTC")

    @property
    def own(self) -> bool:
        return self.clinician is not None and self.clinician.id == self.viewer.sub


def workspace() -> Workspace:
    who = viewer()
    repos = dependencies().repos
    choices = [c for c in handlers.list_clinicians(repos) if may_see(who, c.id)]
    by_id = {c.id: c for c in choices}
    chosen = by_id.get(request.args.get("clinician") or who.sub) or by_id.get(who.sub)
    return Workspace(who, chosen, sorted(choices, key=lambda c: c.name))


def names(client_ids: list[str]) -> dict[str, str]:
    """Each client's name as staff recognise them (a short id until intake's registration arrives).
    Every page that names a client does so through here, so the audit trail records them all."""
    audit_clients(*client_ids)
    cards = dependencies().repos.clients.of_clients(sorted(set(client_ids)))
    return {cid: cards[cid].display_name if cid in cards else unknown_client(cid) for cid in client_ids}


def card(client_id: str) -> ClientCard | None:
    audit_clients(client_id)
    return dependencies().repos.clients.get(client_id)


# -- schedule ----------------------------------------------------------------------------------
def sessions_between(space: Workspace, first: date, days: int) -> list[Session]:
    """The clinician's sessions from the start of `first` for `days` days, in their own time zone."""
    if space.clinician is None:
        return []
    start = datetime.combine(first, time(0), space.zone)
    end = datetime.combine(first + timedelta(days=days), time(0), space.zone)
    return scheduling.clinician_schedule(space.clinician.id, start, end, space.viewer, dependencies().repos)


def today_in(space: Workspace) -> date:
    return utcnow().astimezone(space.zone).date()


def week_start(space: Workspace, asked: str | None) -> date:
    """The Monday of the week asked for (YYYY-MM-DD), else of this week."""
    try:
        day = date.fromisoformat(asked) if asked else today_in(space)
    except ValueError:
        day = today_in(space)
    return day - timedelta(days=day.weekday())


# -- caseload ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseloadRow:
    episode: Episode
    name: str
    open_risk: str | None
    latest: dict[str, Any]
    next_session: Session | None
    outcome_alerts: int


def caseload_rows(space: Workspace) -> list[CaseloadRow]:
    if space.clinician is None:
        return []
    repos = dependencies().repos
    episodes = handlers.caseload(space.viewer, repos, space.clinician.id)
    clients = [e.client_id for e in episodes]
    risk, latest, named = handlers.open_risk(clients, repos), handlers.latest_scores(clients, repos), names(clients)
    upcoming = repos.sessions.next_for_episodes([e.id for e in episodes], utcnow())
    concluded = repos.outcomes.of_episodes([e.id for e in episodes])
    return [
        CaseloadRow(
            e,
            named[e.client_id],
            risk[e.client_id],
            latest[e.client_id],
            upcoming.get(e.id),
            len(concluded[e.id].alerts) if e.id in concluded else 0,
        )
        for e in episodes
    ]


# -- chart -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chart:
    episode: Episode
    card: ClientCard | None
    name: str
    clinician: Clinician | None
    open_risk: str | None
    sessions: list[Session]
    svg: str
    table: list[tuple[str, ...]]
    zone: ZoneInfo
    outcomes: OutcomeWatch
    emergency: EmergencyGrant | None = None  # read only under it, with its banner

    @property
    def booked(self) -> int:
        return sum(1 for s in self.sessions if s.status != "cancelled" and s.kind == "course")


def chart(episode_id: str) -> Chart:
    repos, who = dependencies().repos, viewer()
    episode = handlers.get_episode(episode_id, who, repos)
    clinician = repos.clinicians.get(episode.clinician_id) if episode.clinician_id else None
    series = handlers.trajectory_series(episode, repos)
    return Chart(
        episode=episode,
        card=card(episode.client_id),
        name=names([episode.client_id])[episode.client_id],
        clinician=clinician,
        open_risk=handlers.open_risk([episode.client_id], repos)[episode.client_id],
        sessions=scheduling.sessions_of_episode(episode.id, who, repos),
        svg=handlers.trajectory(episode.id, who, repos),
        table=trajectory_table_rows(series),
        zone=ZoneInfo(clinician.time_zone) if clinician else ZoneInfo("UTC"),
        outcomes=repos.outcomes.get(episode.id, episode.client_id),
        emergency=emergency_grant(episode.client_id, episode.clinician_id),
    )


def zone_of(session: Session) -> ZoneInfo:
    clinician = dependencies().repos.clinicians.get(session.clinician_id)
    return ZoneInfo(clinician.time_zone) if clinician else ZoneInfo("UTC")
