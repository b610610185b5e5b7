"""Use cases of the IPT course's calendar: book a series, reschedule, mark attendance, cancel.

Kept beside handlers.py because the calendar is a use-case family of its own; the shape is the
same: load, check, call the domain, save, commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.sessions.domain.access import Viewer, may_see
from services.sessions.domain.episode import ACTIVE, Episode
from services.sessions.domain.schedule import ConflictItem, Slot, check_start_window, conflicts, series
from services.sessions.domain.scores import Score
from services.sessions.domain.session import ATTENDED, CANCELLED, NO_SHOW, PRE_GROUP, Session
from services.sessions.domain.session_record import SessionRecord, score_measures
from services.sessions.domain.working_hours import WorkingHours
from services.sessions.handlers import Policy, Repositories, get_clinician, get_episode
from shared.errors import Conflict, Invalid, NotFound
from shared.uow import UnitOfWork


def book_series(
    episode_id: str, request: dict[str, Any], viewer: Viewer, now: datetime, uow: UnitOfWork, repos: Repositories
) -> list[Session]:
    """Books a weekly or fortnightly series in the clinician's local wall-clock time; refuses
    the whole series, naming every conflict, if any session would clash."""
    episode = get_episode(episode_id, viewer, repos)
    clinician_id = _bookable(episode)
    clinician = get_clinician(clinician_id, repos)
    check_start_window(request["start"], now)
    slots = series(
        request["start"], request["duration_minutes"], request["count"], request["frequency"], clinician.time_zone
    )
    _refuse_conflicts(slots, episode.client_id, clinician_id, clinician.time_zone, clinician.working_hours, repos)
    taken = sum(1 for s in repos.sessions.for_episode(episode.id) if s.status != CANCELLED and s.kind != PRE_GROUP)
    booked = [
        Session.schedule(
            episode_id=episode.id,
            client_id=episode.client_id,
            clinician_id=clinician_id,
            number=taken + index,
            start=slot.start,
            end=slot.end,
            modality=request["modality"],
        )
        for index, slot in enumerate(slots, start=1)
    ]
    for session in booked:
        repos.sessions.add(session, uow)
    uow.commit()
    return booked


def change_session(
    session_id: str,
    change: dict[str, Any],
    viewer: Viewer,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    policy: Policy,
) -> Session:
    """`start` reschedules; `status` attended or no_show records what happened (attendance moves
    the course and its phase on); `status` cancelled with `cancelled_by` cancels."""
    session = get_session(session_id, viewer, repos)
    status = change.get("status")
    if "start" in change and status is None:
        _reschedule(session, change["start"], now, repos)
    elif status == ATTENDED:
        session.mark_attended(now)
        episode = repos.episodes.get(session.episode_id)
        if episode is not None and session.kind != PRE_GROUP:  # the pre-group meeting is not a course session
            episode.record_attendance(policy.plan_for(episode.program), now)
            repos.episodes.save(episode, uow)
    elif status == NO_SHOW:
        session.mark_no_show(now)
    elif status == CANCELLED:
        session.cancel(change.get("cancelled_by") or "", now)
    else:
        raise Invalid({"status": ["Send a new start, or a status: attended, no_show or cancelled."]})
    repos.sessions.save(session, uow)
    uow.commit()
    return session


def document_session(
    session_id: str, body: dict[str, Any], viewer: Viewer, now: datetime, uow: UnitOfWork, repos: Repositories
) -> Session:
    """The clinician's record of an attended session, with the measures given in it scored."""
    session = get_session(session_id, viewer, repos)
    record = SessionRecord(
        phase=body["phase"],
        focus=body.get("focus"),
        interventions=tuple(body.get("interventions", ())),
        homework=body.get("homework", ""),
        risk_review=body.get("risk_review", ""),
        recorded_by=viewer.sub,
        recorded_at=now,
        measures=score_measures(session.id, body.get("measures", []), now),
    )
    session.document(record)
    repos.sessions.save(session, uow)
    history = repos.scores.get(session.client_id)
    for measure in record.measures:
        if measure.total is not None:
            history.record(
                Score(
                    measure.id,
                    measure.instrument,
                    measure.total,
                    measure.severity,
                    measure.administered_at,
                    session.number,
                )
            )
    repos.scores.put(history, uow)
    uow.commit()
    return session


def get_session(session_id: str, viewer: Viewer, repos: Repositories) -> Session:
    session = repos.sessions.get(session_id)
    if session is None or not may_see(viewer, session.clinician_id, session.client_id):
        raise NotFound("session")
    return session


def sessions_of_episode(episode_id: str, viewer: Viewer, repos: Repositories) -> list[Session]:
    return repos.sessions.for_episode(get_episode(episode_id, viewer, repos).id)


def clinician_schedule(
    clinician_id: str, start: datetime, end: datetime, viewer: Viewer, repos: Repositories
) -> list[Session]:
    if not may_see(viewer, clinician_id):
        raise NotFound("clinician")
    get_clinician(clinician_id, repos)
    if end <= start or end - start > timedelta(days=400):
        raise Invalid({"to": ["Give a range of up to 400 days, `to` after `from`."]})
    return repos.sessions.of_clinician(clinician_id, start, end)


def _bookable(episode: Episode) -> str:
    if episode.status != ACTIVE:
        raise Conflict("Sessions are booked for an admitted (active) episode only.")
    if episode.clinician_id is None:
        raise Conflict("Assign a clinician to the episode before booking sessions.")
    return episode.clinician_id


def _reschedule(session: Session, new_start: datetime, now: datetime, repos: Repositories) -> None:
    clinician = get_clinician(session.clinician_id, repos)
    moved = Slot(new_start, new_start + (session.end - session.start), clinician.time_zone)
    _refuse_conflicts(
        [moved],
        session.client_id,
        session.clinician_id,
        clinician.time_zone,
        clinician.working_hours,
        repos,
        except_id=session.id,
    )
    session.reschedule(new_start, now)


def _refuse_conflicts(
    slots: list[Slot],
    client_id: str | None,
    clinician_id: str,
    time_zone: str,
    working_hours: dict[str, list[list[str]]],
    repos: Repositories,
    except_id: str | None = None,
    except_group: str | None = None,
) -> None:
    found = find_conflicts(slots, client_id, clinician_id, time_zone, working_hours, repos, except_id, except_group)
    if found:
        raise Conflict("Nothing was booked: some sessions would clash.", conflicts=conflict_list(found))


def find_conflicts(
    slots: list[Slot],
    client_id: str | None,
    clinician_id: str,
    time_zone: str,
    working_hours: dict[str, list[list[str]]],
    repos: Repositories,
    except_id: str | None = None,
    except_group: str | None = None,
) -> list[ConflictItem]:
    """Every clash of `slots` with the clinician's sessions and group meetings, the client's
    sessions, and the clinician's working hours."""
    first, last = min(s.start for s in slots), max(s.end for s in slots)
    clinician_busy = repos.sessions.busy("clinician_id", clinician_id, first, last, except_id, except_group)
    clinician_busy += repos.groups.meeting_slots(clinician_id, first, last, except_group)
    client_busy = repos.sessions.busy("client_id", client_id, first, last, except_id) if client_id else []
    return conflicts(slots, clinician_busy, client_busy, WorkingHours.parse(working_hours), time_zone)


def conflict_list(found: list[ConflictItem]) -> list[dict[str, str]]:
    return [{"start": item.start.isoformat(), "reason": item.reason} for item in found]
