"""A client as a message recipient: where to reach them, and whether we may."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    client_id: str
    given_name: str
    preferred_channel: str
    email: str | None
    phone: str | None

    @property
    def reachable(self) -> bool:
        """True when the chosen channel has an address; 'none' means the client asked for no messages."""
        address = {"sms": self.phone, "email": self.email}.get(self.preferred_channel)
        return bool(address)
