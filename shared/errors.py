"""The errors a domain raises, defined once for every service and mapped once to HTTP.

A domain never knows about storage or HTTP: it says "not found", "conflict" or "invalid", and
`shared.web` answers 404, 409 or 422 with the same body shape in every service.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses, with a message fit to show the person who made it."""


class NotFound(DomainError, LookupError):
    """The record named does not exist (or the caller may not know that it exists)."""


class NotAllowed(DomainError):
    """The caller's role may use this route, but not for this change (e.g. a clinician
    reassigning their own client): answered 403."""


class Conflict(DomainError):
    """The request contradicts the record's current state; `details` go into the answer."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class StaleWrite(Conflict):
    """Someone else changed the record since it was read; reload and try again."""


class AlreadyExists(Conflict):
    """A record with the same identity (or unique key) is already stored."""


class Invalid(DomainError, ValueError):
    """The request breaks a rule; `errors` names every offending field at once."""

    summary = "The request breaks a rule; nothing was saved."

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors
