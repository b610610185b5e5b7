"""A clinician's sessions as an iCalendar (RFC 5545) feed.

The feed leaves this platform for phones and calendar services, so it carries no client name,
program or problem area: only the time, the session number and how it is held.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from services.sessions.domain.session import CANCELLED, Session

MODALITY_WORDS = {"in_person": "in person", "video": "by video", "phone": "by phone"}


def calendar_feed(clinician_id: str, sessions: list[Session], now: datetime) -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//IPT platform//sessions//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"IPT sessions ({clinician_id})")
    for session in sessions:
        feed.add_component(_event(session, now))
    return bytes(feed.to_ical())


def _event(session: Session, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"{session.id}@ipt-platform")
    event.add("dtstamp", now)
    event.add("dtstart", session.start)  # UTC instants: every calendar shows them in its own zone
    event.add("dtend", session.end)
    event.add("summary", f"IPT session {session.number} ({MODALITY_WORDS.get(session.modality, session.modality)})")
    event.add("status", "CANCELLED" if session.status == CANCELLED else "CONFIRMED")
    return event
