"""Who a client is, as far as a clinician needs to recognise them: name and date of birth.

Kept from intake's registration and corrections for the workspace pages only; never in URLs,
the calendar feed, events, logs or metrics. Contact details stay in intake and notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ClientCard:
    client_id: str
    given_name: str
    family_name: str
    date_of_birth: date

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def unknown_client(client_id: str) -> str:
    """What a page shows before intake's registration has reached sessions (never the id's meaning)."""
    return f"Client {client_id[:8]}"
