"""What a channel is asked to deliver, and the two ways it can fail.

A channel raises `TransientFailure` for what may pass (a provider down, a timeout, a 4xx SMTP
answer, HTTP 429 or 5xx) and `PermanentFailure` for what never will (an address refused, a
request the provider rejects). Either carries a short code, never the provider's text, which
could echo an address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    idempotency_key: str  # the notification id: the provider sees a repeat as one message
    to: str
    sender: str
    subject: str
    body: str


class DeliveryFailure(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class TransientFailure(DeliveryFailure):
    pass


class PermanentFailure(DeliveryFailure):
    pass


class Channel(Protocol):
    def send(self, message: OutgoingMessage) -> None: ...
