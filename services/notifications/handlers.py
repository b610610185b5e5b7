"""Use cases of the notifications service."""
from __future__ import annotations

from typing import Any

from services.notifications.adapters.recipients import RecipientRepository
from services.notifications.domain.recipient import Recipient
from shared.envelope import Envelope
from shared.uow import UnitOfWork


class UnknownRecipient(LookupError):
    pass


def remember_recipient(event: Envelope, data: dict[str, Any], uow: UnitOfWork,
                       recipients: RecipientRepository) -> None:
    contact = data.get("contact") or {}
    recipients.save(Recipient(client_id=data["client_id"], given_name=data["given_name"],
                              preferred_channel=data["preferred_channel"],
                              email=contact.get("email"), phone=contact.get("phone")), uow)
    uow.commit()


def recipient_status(client_id: str, recipients: RecipientRepository) -> dict[str, Any]:
    recipient = recipients.get(client_id)
    if recipient is None:
        raise UnknownRecipient(client_id)
    return {"client_id": client_id, "preferred_channel": recipient.preferred_channel,
            "reachable": recipient.reachable}
