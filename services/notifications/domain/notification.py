"""One message to one person on one channel: scheduled, sent (or delivered, in-app), failed or
withdrawn. Its id is its idempotency key: made from what caused it, so the same cause never makes
two, and handed to the provider, so a send repeated after a crash is recognised there.

A send records its intent first (`begin_attempt`), then its outcome; an attempt whose outcome
never came (the worker died mid-send) is tried again after `Policy.in_flight_lease` with the same key.
"""

from __future__ import annotations

import builtins
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notifications.domain.events import DeliveryEvent, NotificationFailed, NotificationSent
from services.notifications.domain.messages import with_link
from services.notifications.domain.rules import IN_APP
from shared.domain import Aggregate
from shared.vocabulary import DELIVERY_FAILURES, NOTIFICATION_STATUSES

SCHEDULED, SENT, DELIVERED, FAILED, WITHDRAWN = NOTIFICATION_STATUSES
_IDS = uuid.UUID("8f7b0c53-7a51-4b5e-9f8e-0d6c1c1b2a10")

# Why a notification failed or was withdrawn: codes, never a provider's words.
NO_ADDRESS, NO_RECIPIENT, REJECTED, EXPIRED = DELIVERY_FAILURES
OPTED_OUT = "opted_out"


def notification_id(*parts: object) -> str:
    """The same cause gives the same id (a uuid, so it says nothing of what it is about)."""
    return str(uuid.uuid5(_IDS, ":".join(str(part) for part in parts)))


@dataclass
class Notification(Aggregate):
    id: str
    type: str
    audience: str
    client_id: str
    recipient_id: str | None  # the client, or the staff member addressed
    channel: str
    status: str
    send_at: datetime
    created_at: datetime
    subject: str
    body: str  # as shown to staff: a one-time link is masked
    source_id: str | None = None  # the session, self-report offer or alert it is about
    alert_id: str | None = None
    urgency: str | None = None
    expires_at: datetime | None = None
    quiet_hours: str = "ignore"
    secret_link: str | None = None  # a one-time link the message carries; never shown or logged
    sent_at: datetime | None = None
    attempts: int = 0
    in_flight_since: datetime | None = None
    reason: str | None = None
    version: int = 0

    @property
    def text(self) -> str:
        """The body as it is sent."""
        return with_link(self.body, self.secret_link)

    def is_due(self, now: datetime, lease: timedelta) -> bool:
        if self.status != SCHEDULED or self.send_at > now:
            return False
        return self.in_flight_since is None or self.in_flight_since <= now - lease

    def begin_attempt(self, now: datetime) -> None:
        self.in_flight_since = now
        self.attempts += 1

    def mark_sent(self, now: datetime) -> None:
        """It went out; so it is recorded even if it was withdrawn while it was going."""
        if self.status in (SENT, DELIVERED):
            return
        self.status = DELIVERED if self.channel == IN_APP else SENT
        self.sent_at, self.in_flight_since, self.reason = now, None, None
        self._announce(NotificationSent, sent_at=now.isoformat())

    def retry_at(self, at: datetime, now: datetime, reason: str) -> None:
        """A passing fault: try again at `at`, unless the message is pointless by then."""
        if self.expires_at is not None and at >= self.expires_at:
            self.fail(now, EXPIRED)
            return
        self.send_at, self.in_flight_since, self.reason = at, None, reason

    def postpone(self, at: datetime) -> None:
        self.send_at, self.in_flight_since = at, None

    def fail(self, now: datetime, reason: str) -> None:
        if self.status in (FAILED, SENT, DELIVERED):
            return
        self.status, self.reason, self.in_flight_since = FAILED, reason, None
        self._announce(NotificationFailed, reason=reason, failed_at=now.isoformat())

    def withdraw(self, reason: str | None = None) -> bool:
        """Only what has not gone yet is withdrawn."""
        if self.status != SCHEDULED:
            return False
        self.status, self.reason, self.in_flight_since = WITHDRAWN, reason, None
        return True

    def redirect(self, channel: str) -> None:
        """The client chose another channel before the message went."""
        self.channel = channel

    def _announce(self, kind: builtins.type[DeliveryEvent], **extra: str) -> None:
        self.raise_event(
            kind(
                notification_id=self.id,
                client_id=self.client_id,
                type=self.type,
                channel=self.channel,
                audience=self.audience,
                recipient_id=self.recipient_id,
                alert_id=self.alert_id,
                urgency=self.urgency,
                **extra,
            )
        )
