"""A clinician's profile: who they are, when they work, how many clients they can carry.

The id is the staff account's username, the `sub` of their bearer token, so a signed-in
clinician is found by who they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.sessions.domain.events import SupervisorChanged
from services.sessions.domain.working_hours import check_working_hours
from shared.domain import Aggregate
from shared.errors import Invalid
from shared.vocabulary import PROGRAMS

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CASELOAD = 200
PROFILE_FIELDS = ("name", "email", "time_zone", "working_hours", "caseload_limit", "programs", "supervisor")


@dataclass
class Clinician(Aggregate):
    id: str
    name: str
    email: str
    time_zone: str
    working_hours: dict[str, list[list[str]]]
    caseload_limit: int
    programs: list[str] = field(default_factory=list)
    supervisor: str | None = None
    calendar_feed: str | None = None  # the one live subscription link's id; None: no link works
    version: int = 0

    @classmethod
    def create(cls, fields: Mapping[str, Any], now: datetime) -> Clinician:
        clean = check_profile(fields, creating=True)
        clinician = cls(id=str(fields.get("id", "")).strip(), **{**clean, "supervisor": None})
        clinician._supervise(clean.get("supervisor"), now)
        return clinician

    def update(self, changes: Mapping[str, Any], now: datetime) -> None:
        clean = check_profile(changes, creating=False)
        for name, value in clean.items():
            if name != "supervisor":
                setattr(self, name, value)
        if "supervisor" in clean:
            self._supervise(clean["supervisor"], now)

    def announce_supervisor(self, now: datetime) -> None:
        """The supervisor announced again, unchanged: a service that lost its copy, or started
        following teams after the profile was made, learns it (the newest news wins there)."""
        self.raise_event(SupervisorChanged(self.id, self.supervisor, self.supervisor, now))

    def _supervise(self, supervisor: str | None, now: datetime) -> None:
        """A new supervisor is announced: every service narrows supervisors to their teams by it."""
        if supervisor == self.supervisor:
            return
        self.raise_event(SupervisorChanged(self.id, supervisor, self.supervisor, now))
        self.supervisor = supervisor

    def works_in(self, program: str) -> bool:
        return program in self.programs

    def new_calendar_feed(self, feed_id: str) -> None:
        """A new subscription link; the one before stops working."""
        self.calendar_feed = feed_id

    def stop_calendar_feed(self) -> None:
        self.calendar_feed = None

    def feed_is_live(self, feed_id: str | None) -> bool:
        return feed_id is not None and feed_id == self.calendar_feed


def check_profile(fields: Mapping[str, Any], creating: bool) -> dict[str, Any]:
    """The profile fields given, checked all at once; raises Invalid naming each bad one."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if creating and not str(fields.get("id", "")).strip():
        errors["id"] = ["Give the clinician's staff username."]
    allowed = {*PROFILE_FIELDS, "id"} if creating else set(PROFILE_FIELDS)
    unknown = sorted(set(fields) - allowed)
    for name in unknown:
        errors[name] = ["This cannot be changed here." if name == "id" else "Unknown field."]
    for name in PROFILE_FIELDS:
        if name not in fields:
            if creating and name != "supervisor":
                errors[name] = ["Missing data for required field."]
            continue
        try:
            clean[name] = _check_field(name, fields[name])
        except Invalid as invalid:
            errors.update(invalid.errors)
    if errors:
        raise Invalid(errors)
    return clean


def _check_field(name: str, value: Any) -> Any:
    if name == "name":
        return _text(name, value)
    if name == "email":
        if not isinstance(value, str) or not EMAIL.match(value.strip()):
            raise Invalid({name: ["Enter an email address like name@example.org."]})
        return value.strip()
    if name == "time_zone":
        return _zone(value)
    if name == "working_hours":
        return check_working_hours(value)
    if name == "caseload_limit":
        if type(value) is not int or not 1 <= value <= MAX_CASELOAD:
            raise Invalid({name: [f"A whole number of clients from 1 to {MAX_CASELOAD}."]})
        return value
    if name == "programs":
        return _programs(value)
    return None if value is None else _text(name, value)  # supervisor


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise Invalid({name: ["Enter 1 to 200 characters."]})
    return value.strip()


def _zone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid({"time_zone": [f"{value!r} is not an IANA time zone, e.g. Europe/London."]}) from None
    return str(value)


def _programs(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise Invalid({"programs": ["Name at least one program."]})
    unknown = [p for p in value if p not in PROGRAMS]
    if unknown:
        raise Invalid({"programs": [f"Unknown programs: {', '.join(map(str, unknown))}; use {', '.join(PROGRAMS)}."]})
    return list(dict.fromkeys(value))
