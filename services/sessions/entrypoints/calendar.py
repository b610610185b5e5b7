"""A clinician's sessions as an iCalendar (RFC 5545) feed.

The feed leaves this platform for phones and calendar services, so it carries no client name,
program or problem area: only the time, the session number and how it is held.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, url_for
from icalendar import Calendar, Event

from services.sessions.domain.clinician import Clinician
from services.sessions.domain.session import CANCELLED, Session
from shared.auth import CALENDAR_SCOPE, issue_token

LINK_LIFETIME = timedelta(days=365)

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


def subscription_link(clinician: Clinician, role: str, now: datetime) -> dict[str, str]:
    """The URL a calendar app subscribes to: a token in it that opens this feed only, while it is live."""
    token = issue_token(
        current_app.config["JWT_SECRET"],
        clinician.id,
        role,
        LINK_LIFETIME,
        scope=CALENDAR_SCOPE,
        feed=clinician.calendar_feed,
    )
    url = url_for("clinicians.Calendar", clinician_id=clinician.id, access_token=token, _external=True)
    return {"url": url, "expires_at": (now + LINK_LIFETIME).isoformat()}
