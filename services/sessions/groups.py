"""Use cases of group IPT: set a group up with its meetings, and take members in.

Beside handlers.py and scheduling.py, in the same shape: load, check, call the domain, save, commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.sessions.domain.access import Viewer, may_see
from services.sessions.domain.episode import ACTIVE
from services.sessions.domain.group import Group
from services.sessions.domain.schedule import CLIENT_DOUBLE_BOOKED, Slot, check_start_window, series
from services.sessions.domain.session import GROUP, PRE_GROUP, Session
from services.sessions.handlers import ASSIGNERS, Repositories, get_clinician, get_episode
from services.sessions.scheduling import conflict_list, find_conflicts
from shared.errors import Conflict, Invalid, NotAllowed, NotFound
from shared.uow import UnitOfWork

PRE_GROUP_MINUTES = 50


def create_group(body: dict[str, Any], viewer: Viewer, now: datetime, uow: UnitOfWork, repos: Repositories) -> Group:
    """A group and its meetings, in the lead clinician's wall-clock time; refused whole when a
    meeting clashes with either facilitator's sessions, groups or working hours."""
    if viewer.role not in ASSIGNERS and body["clinician_id"] != viewer.sub:
        raise NotAllowed("A clinician sets up groups they lead; a supervisor or admin sets up any.")
    lead = _clinician(body["clinician_id"], "clinician_id", repos)
    co = _clinician(body["co_facilitator_id"], "co_facilitator_id", repos) if body.get("co_facilitator_id") else None
    check_start_window(body["start"], now)
    slots = series(body["start"], body["duration_minutes"], body["count"], body["frequency"], lead.time_zone)
    found = [
        item
        for facilitator in filter(None, (lead, co))
        for item in find_conflicts(slots, None, facilitator.id, facilitator.time_zone, facilitator.working_hours, repos)
    ]
    if found:
        raise Conflict("Nothing was booked: some meetings would clash.", conflicts=conflict_list(found))
    group = Group.create(
        name=body["name"],
        program=body["program"],
        clinician_id=lead.id,
        co_facilitator_id=co.id if co else None,
        capacity=body["capacity"],
        modality=body["modality"],
        slots=slots,
    )
    repos.groups.add(group, uow)
    uow.commit()
    return group


def add_member(
    group_id: str, body: dict[str, Any], viewer: Viewer, now: datetime, uow: UnitOfWork, repos: Repositories
) -> tuple[Group, list[Session]]:
    """Takes a client's episode into the group (409 when full or the program differs), books their
    place at every meeting still to come and, when asked, the individual pre-group meeting."""
    group = get_group(group_id, viewer, repos)
    episode = get_episode(body["episode_id"], viewer, repos)
    if episode.status != ACTIVE:
        raise Conflict("Only an admitted (active) episode joins a group.")
    group.admit(episode.id, episode.client_id, episode.program, now)
    lead = get_clinician(group.clinician_id, repos)
    places = [
        Session.schedule(
            episode_id=episode.id,
            client_id=episode.client_id,
            clinician_id=group.clinician_id,
            number=meeting.number,
            start=meeting.start,
            end=meeting.end,
            modality=group.modality,
            group_id=group.id,
            kind=GROUP,
        )
        for meeting in group.meetings_from(now)
    ]
    booked = list(places)
    if body.get("pre_group_start") is not None:
        pre_group = _pre_group(body["pre_group_start"], group, episode.id, episode.client_id)
        group.record_pre_group(episode.id, pre_group.id)
        booked.append(pre_group)
    _refuse_client_clashes(booked, episode.client_id, lead.id, lead.time_zone, lead.working_hours, group, repos)
    for session in booked:
        repos.sessions.add(session, uow)
    repos.groups.save(group, uow)
    uow.commit()
    return group, booked


def get_group(group_id: str, viewer: Viewer, repos: Repositories) -> Group:
    group = repos.groups.get(group_id)
    if group is None or not any(may_see(viewer, facilitator) for facilitator in group.facilitators):
        raise NotFound("group")
    return group


def list_groups(viewer: Viewer, repos: Repositories) -> list[Group]:
    return [g for g in repos.groups.all() if any(may_see(viewer, f) for f in g.facilitators)]


def _clinician(clinician_id: str, field: str, repos: Repositories) -> Any:
    try:
        return get_clinician(clinician_id, repos)
    except NotFound:
        raise Invalid({field: ["No clinician profile with this id."]}) from None


def _pre_group(start: datetime, group: Group, episode_id: str, client_id: str) -> Session:
    return Session.schedule(
        episode_id=episode_id,
        client_id=client_id,
        clinician_id=group.clinician_id,
        number=1,
        start=start,
        end=start + timedelta(minutes=PRE_GROUP_MINUTES),
        modality=group.modality,
        group_id=group.id,
        kind=PRE_GROUP,
    )


def _refuse_client_clashes(
    booked: list[Session],
    client_id: str,
    clinician_id: str,
    time_zone: str,
    working_hours: dict[str, list[list[str]]],
    group: Group,
    repos: Repositories,
) -> None:
    """The client's own clashes at the group's meetings (the meetings were checked for the
    facilitators when the group was set up), and every clash of a pre-group meeting, which is
    new time for the clinician too."""
    places = [Slot(s.start, s.end) for s in booked if s.kind != PRE_GROUP]
    pre_group = [Slot(s.start, s.end) for s in booked if s.kind == PRE_GROUP]
    found = []
    if places:
        at_meetings = find_conflicts(
            places, client_id, clinician_id, time_zone, working_hours, repos, except_group=group.id
        )
        found += [item for item in at_meetings if item.reason == CLIENT_DOUBLE_BOOKED]
    if pre_group:
        found += find_conflicts(pre_group, client_id, clinician_id, time_zone, working_hours, repos)
    if found:
        raise Conflict("The client was not added: some meetings would clash.", conflicts=conflict_list(found))
