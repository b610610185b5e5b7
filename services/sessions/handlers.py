"""Use cases of the sessions service: load, call the domain, save, commit."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.sessions.adapters.alerts import StaffAlertRepository
from services.sessions.adapters.clients import ClientCardRepository
from services.sessions.adapters.clinicians import ClinicianRepository
from services.sessions.adapters.episodes import EpisodeRepository
from services.sessions.adapters.groups import GroupRepository
from services.sessions.adapters.outcomes import OutcomeWatchRepository
from services.sessions.adapters.risk import RiskWatchRepository
from services.sessions.adapters.scores import ScoreRepository
from services.sessions.adapters.sessions import SessionRepository
from services.sessions.domain.access import Viewer, may_see
from services.sessions.domain.assignment import choose_clinician, has_room
from services.sessions.domain.client_card import ClientCard
from services.sessions.domain.clinician import Clinician
from services.sessions.domain.episode import Admission, Episode
from services.sessions.domain.outcome_watch import OutcomeAlert
from services.sessions.domain.phases import PhasePlan
from services.sessions.domain.risk_watch import URGENCY_ORDER, OpenFlag
from services.sessions.domain.scores import CHARTED, Score
from services.sessions.domain.staff_alert import StaffAlert
from shared.charts.trajectory import Point, Series, trajectory_svg
from shared.emergency_access import NO_PASS, EmergencyPass
from shared.emergency_grants import EmergencyGrantRepository
from shared.envelope import Envelope
from shared.errors import AlreadyExists, Conflict, Invalid, NotAllowed, NotFound
from shared.roles import ADMIN, SUPERVISOR
from shared.uow import UnitOfWork

SYSTEM = "sessions"  # who assigns on admission, when nobody chose by hand
ASSIGNERS = (SUPERVISOR, ADMIN)


@dataclass
class Repositories:
    episodes: EpisodeRepository
    clinicians: ClinicianRepository
    sessions: SessionRepository
    risk: RiskWatchRepository
    groups: GroupRepository
    scores: ScoreRepository
    clients: ClientCardRepository
    outcomes: OutcomeWatchRepository
    alerts: StaffAlertRepository
    emergency: EmergencyGrantRepository  # intake's emergency access grants (shared/emergency_grants.py)


@dataclass(frozen=True)
class Policy:
    """Settings the use cases follow: phase boundaries per program."""

    phase_plans: Mapping[str, PhasePlan] = field(default_factory=dict)

    def plan_for(self, program: str) -> PhasePlan:
        return self.phase_plans.get(program, PhasePlan())


# -- from intake's events ---------------------------------------------------------------------
def open_episode_for_registered_client(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories
) -> Episode:
    episode = Episode.open_pending(data["client_id"], data["program"], now=event.time)
    repos.episodes.add(episode, uow)
    repos.clients.put(_client_card(data), uow)
    uow.commit()
    return episode


def _client_card(data: dict[str, Any]) -> ClientCard:
    return ClientCard(data["client_id"], data["given_name"], data["family_name"], data["date_of_birth"])


def activate_episode_for_admitted_client(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories
) -> Episode:
    """Admission activates the client's open episode (or opens one) and, when someone in the
    program has room, assigns a clinician: the one the client asked for if possible."""
    episode = repos.episodes.open_for_client(data["client_id"])
    is_new = episode is None
    if episode is None:
        episode = Episode.open_pending(data["client_id"], data["program"], now=event.time)
    admission = Admission(
        track=data["track"],
        primary_problem_area=data["primary_problem_area"],
        secondary_problem_area=data.get("secondary_problem_area"),
        preferred_days=tuple(data["preferred_days"]),
        preferred_times=tuple(data["preferred_times"]),
        clinician_preference=data.get("clinician_preference"),
        admitted_at=data["admitted_at"],
    )
    episode.admit(admission)
    if episode.clinician_id is None:
        candidates = repos.clinicians.in_program(episode.program)
        chosen = choose_clinician(
            candidates,
            repos.episodes.caseloads([c.id for c in candidates]),
            episode.program,
            admission.clinician_preference,
        )
        if chosen is not None:
            episode.assign(chosen.id, SYSTEM, event.time)
    # The store keeps the state as it is now, with the events raised so far.
    (repos.episodes.add if is_new else repos.episodes.save)(episode, uow)
    uow.commit()
    return episode


def follow_client_correction(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """Details corrected at intake: the name a clinician sees, and a program corrected before
    admission (the only time it can be) moves the pending episode too."""
    repos.clients.put(_client_card(data), uow)
    episode = repos.episodes.open_for_client(data["client_id"])
    if episode is not None and episode.program != data["program"]:
        episode.correct_program(data["program"])
        repos.episodes.save(episode, uow)
    uow.commit()


def watch_risk_flag(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    watch = repos.risk.get(data["client_id"])
    watch.flagged(OpenFlag(data["flag_id"], data["urgency"], data["raised_at"]))
    repos.risk.put(watch, uow)
    uow.commit()


def watch_risk_cleared(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    watch = repos.risk.get(data["client_id"])
    watch.cleared_flag(data["flag_id"])
    repos.risk.put(watch, uow)
    uow.commit()


def remember_screening_score(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A screening scored at intake, for the client's chart (scores only; the answers stay there)."""
    if data["total"] is not None:
        history = repos.scores.get(data["client_id"])
        history.record(
            Score(data["screening_id"], data["instrument"], data["total"], data["severity"], data["administered_at"])
        )
        repos.scores.put(history, uow)
    uow.commit()


# -- from outcomes' events -------------------------------------------------------------------
def watch_outcome_status(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """Response, remission or recovery reached or lost, for the chart."""
    watch = repos.outcomes.get(data["episode_id"], data["client_id"])
    watch.status_changed(data["status"], data["change"], data["changed_at"])
    repos.outcomes.put(watch, uow)
    uow.commit()


def watch_outcome_alert(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A clinical alert from outcomes (deterioration, off track, …), shown on the chart and caseload."""
    watch = repos.outcomes.get(data["episode_id"], data["client_id"])
    watch.alert_raised(
        OutcomeAlert(data["alert_id"], data["kind"], data["instrument"], data["session_number"], data["raised_at"])
    )
    repos.outcomes.put(watch, uow)
    uow.commit()


# -- from notifications' events --------------------------------------------------------------
def watch_staff_alert(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A risk alert raised, escalated, acknowledged or resolved by notifications: the workspace's inbox."""
    alert = repos.alerts.get(data["alert_id"]) or StaffAlert(
        alert_id=data["alert_id"],
        client_id=data["client_id"],
        urgency=data["urgency"],
        status=data["status"],
        escalation_level=data["escalation_level"],
        raised_at=event.time,
        updated_at=event.time,
    )
    alert.heard(data["status"], data["escalation_level"], data.get("recipient_id"), event.time)
    repos.alerts.put(alert, uow)
    uow.commit()


def open_alerts_for(viewer: Viewer, repos: Repositories) -> list[StaffAlert]:
    """The open risk alerts the viewer may see, newest first: those that reached them; admin every
    one; a supervisor also those about the clients they oversee (their team's, and those nobody
    treats yet)."""
    if viewer.role not in (SUPERVISOR, ADMIN):
        return repos.alerts.open_alerts(viewer.sub)
    alerts = repos.alerts.open_alerts()
    courses = _open_courses({alert.client_id for alert in alerts}, viewer, repos)
    return [alert for alert in alerts if _may_see_alert(alert, viewer, courses)]


def get_alert(alert_id: str, viewer: Viewer, repos: Repositories) -> StaffAlert:
    alert = repos.alerts.get(alert_id)
    if alert is None or not _may_see_alert(alert, viewer, _open_courses({alert.client_id}, viewer, repos)):
        raise NotFound("alert")
    return alert


def _open_courses(client_ids: set[str], viewer: Viewer, repos: Repositories) -> Mapping[str, Episode]:
    """The clients' open episodes, when the viewer's access depends on them (a supervisor's only)."""
    return repos.episodes.open_for_clients(client_ids) if viewer.role == SUPERVISOR else {}


def _may_see_alert(alert: StaffAlert, viewer: Viewer, courses: Mapping[str, Episode]) -> bool:
    """An alert that reached someone is always theirs; beyond that, admin sees every alert and a
    supervisor those about a client whose open course they oversee (or who has none yet)."""
    if alert.reached(viewer.sub) or viewer.role == ADMIN:
        return True
    if viewer.role != SUPERVISOR:
        return False
    episode = courses.get(alert.client_id)
    return may_see(viewer, episode.clinician_id if episode else None)


def acknowledge_alert(alert_id: str, viewer: Viewer, now: datetime, uow: UnitOfWork, repos: Repositories) -> bool:
    """Takes the alert on: notifications hears of it and stops the escalation. False: nothing to do."""
    alert = get_alert(alert_id, viewer, repos)
    if not alert.acknowledge(viewer.sub, now):
        return False
    repos.alerts.put(alert, uow)
    uow.commit()
    return True


# -- clinicians -------------------------------------------------------------------------------
def add_clinician(fields: Mapping[str, Any], now: datetime, uow: UnitOfWork, repos: Repositories) -> Clinician:
    clinician = Clinician.create(fields, now)
    repos.clinicians.add(clinician, uow)
    try:
        uow.commit()
    except AlreadyExists:
        raise Conflict(f"A clinician profile for {clinician.id} already exists.") from None
    return clinician


def get_clinician(clinician_id: str, repos: Repositories) -> Clinician:
    clinician = repos.clinicians.get(clinician_id)
    if clinician is None:
        raise NotFound("clinician")
    return clinician


def update_clinician(
    clinician_id: str, changes: Mapping[str, Any], now: datetime, uow: UnitOfWork, repos: Repositories
) -> Clinician:
    clinician = get_clinician(clinician_id, repos)
    clinician.update(changes, now)
    repos.clinicians.save(clinician, uow)
    uow.commit()
    return clinician


def announce_teams(now: datetime, uow: UnitOfWork, repos: Repositories) -> int:
    """Every clinician's supervisor announced again (`ipt announce-teams`); how many clinicians."""
    clinicians = repos.clinicians.all()
    for clinician in clinicians:
        clinician.announce_supervisor(now)
        repos.clinicians.save(clinician, uow)
    uow.commit()
    return len(clinicians)


def list_clinicians(repos: Repositories) -> list[Clinician]:
    return repos.clinicians.all()


def open_calendar_feed(clinician_id: str, viewer: Viewer, uow: UnitOfWork, repos: Repositories) -> Clinician:
    """A new subscription link to one's own calendar; the link before it stops working."""
    if viewer.sub != clinician_id:
        raise NotFound("clinician")
    clinician = get_clinician(clinician_id, repos)
    clinician.new_calendar_feed(secrets.token_urlsafe(16))
    repos.clinicians.save(clinician, uow)
    uow.commit()
    return clinician


def stop_calendar_feed(clinician_id: str, viewer: Viewer, uow: UnitOfWork, repos: Repositories) -> None:
    """Ends the clinician's subscription link (theirs, their supervisor's or an admin's call)."""
    if not may_see(viewer, clinician_id):
        raise NotFound("clinician")
    clinician = get_clinician(clinician_id, repos)
    clinician.stop_calendar_feed()
    repos.clinicians.save(clinician, uow)
    uow.commit()


def check_calendar_link(clinician_id: str, sub: str, feed: str | None, repos: Repositories) -> None:
    """A link only opens the calendar it was made for, while it is the clinician's live one."""
    clinician = repos.clinicians.get(clinician_id)
    if clinician is None or sub != clinician_id or not clinician.feed_is_live(feed):
        raise NotFound("calendar")


# -- episodes ---------------------------------------------------------------------------------
def viewer_for(sub: str, role: str, repos: Repositories, emergency: EmergencyPass = NO_PASS) -> Viewer:
    team = frozenset(c.id for c in repos.clinicians.team_of(sub)) if role == SUPERVISOR else frozenset()
    return Viewer(sub, role, team, emergency)


def get_episode(episode_id: str, viewer: Viewer, repos: Repositories) -> Episode:
    """The episode, or NotFound for one the viewer may not know exists."""
    episode = repos.episodes.get(episode_id)
    if episode is None or not may_see(viewer, episode.clinician_id, episode.client_id):
        raise NotFound("episode")
    return episode


def episodes_for_client(client_id: str, viewer: Viewer, repos: Repositories) -> list[Episode]:
    return [e for e in repos.episodes.for_client(client_id) if may_see(viewer, e.clinician_id, e.client_id)]


def caseload(viewer: Viewer, repos: Repositories, clinician_id: str) -> list[Episode]:
    """The clinician's open episodes, when the viewer may see their caseload."""
    if not may_see(viewer, clinician_id):
        raise NotFound("clinician")
    get_clinician(clinician_id, repos)
    episodes = repos.episodes.for_clinicians([clinician_id])
    # Clients with an open risk flag come first, urgent before high, as on every work list here.
    risk = repos.risk.of_clients([e.client_id for e in episodes])
    return sorted(
        episodes, key=lambda e: URGENCY_ORDER.get(risk[e.client_id].worst or "", 9) if e.client_id in risk else 9
    )


def trajectory(episode_id: str, viewer: Viewer, repos: Repositories) -> str:
    """The client's PHQ-9 and GAD-7 over the course as an SVG (intake screenings at session 0)."""
    episode = get_episode(episode_id, viewer, repos)
    return trajectory_svg(
        trajectory_series(episode, repos),
        title="PHQ-9 and GAD-7 over the course",
        x_label="Session (0: at intake)",
        chart_id=f"chart-{episode.id[:8]}",
    )


def trajectory_series(episode: Episode, repos: Repositories) -> list[Series]:
    """Each charted measure's scores for the episode's client, in time order."""
    history = repos.scores.get(episode.client_id)
    return [Series(instrument, [_point(score) for score in history.of(instrument)]) for instrument in CHARTED]


def _point(score: Score) -> Point:
    when = score.at.date().isoformat()
    label = f"Session {score.session_number}, {when}" if score.session_number else f"At intake, {when}"
    return Point(score.session_number or 0, score.total, label)


def latest_scores(client_ids: list[str], repos: Repositories) -> dict[str, dict[str, Score | None]]:
    histories = repos.scores.of_clients(client_ids)
    return {
        client_id: {i: histories[client_id].latest(i) if client_id in histories else None for i in CHARTED}
        for client_id in client_ids
    }


def open_risk(client_ids: list[str], repos: Repositories) -> dict[str, str | None]:
    """The worst open risk flag of each client (None when none is open)."""
    found = repos.risk.of_clients(client_ids)
    return {client_id: (found[client_id].worst if client_id in found else None) for client_id in client_ids}


def change_episode(
    episode_id: str,
    changes: Mapping[str, Any],
    viewer: Viewer,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    policy: Policy,
) -> Episode:
    """Assign or reassign a clinician (409 over their caseload limit or outside their programs,
    unless `override`), agree the number of sessions or maintenance, or close the episode."""
    episode = get_episode(episode_id, viewer, repos)
    if "clinician_id" in changes and viewer.role not in ASSIGNERS:
        raise NotAllowed("Only a supervisor or admin assigns clinicians.")
    plan = policy.plan_for(episode.program)
    steps: list[Callable[[], None]] = []
    if "clinician_id" in changes:
        steps.append(
            lambda: _reassign(episode, changes["clinician_id"], bool(changes.get("override")), viewer, now, repos)
        )
    if "planned_sessions" in changes:
        steps.append(lambda: episode.agree_contract(changes["planned_sessions"], plan, now))
    if changes.get("maintenance"):
        steps.append(lambda: episode.agree_maintenance(plan, now))
    if "closed_reason" in changes:
        steps.append(lambda: episode.close(changes["closed_reason"], now))
    for step in steps:
        step()
    repos.episodes.save(episode, uow)
    uow.commit()
    return episode


def _reassign(
    episode: Episode, clinician_id: str, override: bool, viewer: Viewer, now: datetime, repos: Repositories
) -> None:
    clinician = repos.clinicians.get(clinician_id)
    if clinician is None:
        raise Invalid({"clinician_id": ["No clinician profile with this id."]})
    if clinician_id != episode.clinician_id and not override:
        if not clinician.works_in(episode.program):
            raise Conflict(f"{clinician.name} does not work in this program; send override to assign anyway.")
        if not has_room(clinician, repos.episodes.caseloads([clinician_id])):
            raise Conflict(
                f"{clinician.name}'s caseload is full ({clinician.caseload_limit}); send override to assign anyway."
            )
    episode.assign(clinician_id, viewer.sub, now)
