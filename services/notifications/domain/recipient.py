"""A client as a message recipient: where to reach them, what they chose, and whether we may."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.notifications.domain.quiet_hours import QuietHours
from services.notifications.domain.rules import EMAIL, SMS

NO_MESSAGES = "none"


@dataclass(frozen=True)
class Recipient:
    """What intake told us (registration and corrections): the latest details win."""

    client_id: str
    given_name: str
    preferred_channel: str
    email: str | None
    phone: str | None
    program: str | None = None
    # When intake last stated the channel: a later statement there overrides an earlier preference here.
    channel_stated_at: datetime | None = None

    def address(self, channel: str) -> str | None:
        return {SMS: self.phone, EMAIL: self.email}.get(channel) or None

    @property
    def reachable(self) -> bool:
        """True when the chosen channel has an address; 'none' means the client asked for no messages."""
        return self.address(self.preferred_channel) is not None


@dataclass
class Preferences:
    """What the client asked for, recorded by staff: a channel, an opt-out, their quiet hours."""

    client_id: str
    channel: str
    opted_out: bool
    quiet_hours: QuietHours | None
    updated_at: datetime
    updated_by: str
    version: int = 0


@dataclass(frozen=True)
class Choice:
    """How a client is to be reached now: a channel ('none' for not at all) and their quiet hours."""

    channel: str
    quiet_hours: QuietHours | None
    opted_out: bool

    @property
    def silent(self) -> bool:
        return self.opted_out or self.channel == NO_MESSAGES


def choice(recipient: Recipient | None, preferences: Preferences | None, default_quiet: QuietHours | None) -> Choice:
    """The later statement of a channel wins: a preference here, or a correction at intake."""
    registered = recipient.preferred_channel if recipient else NO_MESSAGES
    if preferences is None:
        return Choice(registered, default_quiet, False)
    stated_at = recipient.channel_stated_at if recipient else None
    channel = registered if stated_at is not None and stated_at > preferences.updated_at else preferences.channel
    return Choice(channel, preferences.quiet_hours, preferences.opted_out)
