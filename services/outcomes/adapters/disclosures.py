"""Where outcomes keeps clients' Part 2 consents (a projection of intake's events) and the log of
disclosures made (append-only: added, found, counted; no code path changes or deletes a record)."""

from __future__ import annotations

from services.outcomes.domain.disclosure import Disclosure, DisclosureConsent
from shared.documents import DESCENDING, DocumentKind, Documents, Index, StoreFactory
from shared.uow import UnitOfWork

CONSENTS = DocumentKind("consents", DisclosureConsent, id_field="consent_id", indexes=(Index.on("client_id"),))
DISCLOSURES = DocumentKind("disclosures", Disclosure, indexes=(Index.on("client_id", ("disclosed_at", DESCENDING)),))
NEWEST_FIRST = [("disclosed_at", DESCENDING), ("_id", DESCENDING)]


class ConsentRepository:
    def __init__(self, stores: StoreFactory) -> None:
        self.documents: Documents[DisclosureConsent] = stores(CONSENTS)

    def put(self, consent: DisclosureConsent, uow: UnitOfWork) -> None:
        self.documents.put(consent, uow)

    def get(self, consent_id: str) -> DisclosureConsent | None:
        return self.documents.get(consent_id)

    def for_client(self, client_id: str) -> list[DisclosureConsent]:
        return self.documents.find({"client_id": client_id})


class DisclosureLog:
    """Append and read, nothing else: an accounting of disclosures is never rewritten."""

    def __init__(self, stores: StoreFactory) -> None:
        self.documents: Documents[Disclosure] = stores(DISCLOSURES)

    def append(self, disclosure: Disclosure, uow: UnitOfWork) -> None:
        self.documents.add(disclosure, uow)

    def for_client(self, client_id: str, offset: int = 0, limit: int = 0) -> tuple[list[Disclosure], int]:
        """A page of the client's disclosures, newest first, and how many there are in all."""
        query = {"client_id": client_id}
        found = self.documents.find(query, sort=NEWEST_FIRST, limit=limit, skip=offset)
        return found, self.documents.count(query)
