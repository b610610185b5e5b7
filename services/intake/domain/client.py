"""A referred client, from registration to admission."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from services.intake.domain.errors import RuleViolation

PROGRAMS = ("mental_health", "substance_use", "co_occurring")
CHANNELS = ("sms", "email", "none")


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Registration:
    given_name: str
    family_name: str
    date_of_birth: date
    program: str
    contact: Contact
    preferred_channel: str


@dataclass
class Client:
    id: str
    registration: Registration
    registered_at: datetime
    registered_by: str
    status: str = "referred"
    version: int = 0
    events: list[tuple[str, dict]] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(cls, registration: Registration, by: str, now: datetime) -> "Client":
        check_registration(registration, today=now.date())
        client = cls(id=str(uuid.uuid4()), registration=registration, registered_at=now, registered_by=by)
        client.events.append(("registered", {}))
        return client


def check_registration(registration: Registration, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if registration.program not in PROGRAMS:
        errors["program"] = [f"Must be one of: {', '.join(PROGRAMS)}."]
    if registration.preferred_channel not in CHANNELS:
        errors["preferred_channel"] = [f"Must be one of: {', '.join(CHANNELS)}."]
    if registration.date_of_birth > today:
        errors["date_of_birth"] = ["Date of birth cannot be in the future."]
    elif registration.date_of_birth.year < today.year - 120:
        errors["date_of_birth"] = ["Date of birth is more than 120 years ago; check the year."]
    # A reminder channel with nowhere to send to would silently drop every reminder.
    if registration.preferred_channel == "sms" and not registration.contact.phone:
        errors["contact.phone"] = ["A phone number is needed when the preferred channel is sms."]
    if registration.preferred_channel == "email" and not registration.contact.email:
        errors["contact.email"] = ["An email address is needed when the preferred channel is email."]
    if errors:
        raise RuleViolation(errors)
