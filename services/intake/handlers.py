"""Use cases of the intake service: one small function each."""
from __future__ import annotations

from datetime import datetime

from services.intake.adapters.clients import ClientRepository
from services.intake.domain.client import Client, Registration
from services.intake.domain.errors import NotFound
from shared.uow import UnitOfWork


def register_client(registration: Registration, by: str, now: datetime, uow: UnitOfWork,
                    clients: ClientRepository) -> Client:
    client = Client.register(registration, by=by, now=now)
    clients.add(client, uow)
    reg = registration
    # The integration event is built field by field: the public contract, not the aggregate.
    uow.publish("intake.client.registered", 1, subject=client.id, data={
        "client_id": client.id, "given_name": reg.given_name, "family_name": reg.family_name,
        "date_of_birth": reg.date_of_birth.isoformat(), "program": reg.program,
        "contact": {"email": reg.contact.email, "phone": reg.contact.phone},
        "preferred_channel": reg.preferred_channel, "registered_at": client.registered_at.isoformat(),
        "registered_by": by,
    })
    uow.commit()
    return client


def get_client(client_id: str, clients: ClientRepository) -> Client:
    client = clients.get(client_id)
    if client is None:
        raise NotFound(f"client {client_id} not found")
    return client
