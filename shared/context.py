"""Per-request / per-message context: the correlation id that ties logs and events together."""

from __future__ import annotations

import contextvars
import uuid

_correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")


def correlation_id() -> str:
    return _correlation_id.get() or str(uuid.uuid4())


def current_correlation_id() -> str:
    """The id in force, or an empty string outside a request or message."""
    return _correlation_id.get()


def set_correlation_id(value: str) -> contextvars.Token[str]:
    return _correlation_id.set(value)


def reset_correlation_id(token: contextvars.Token[str]) -> None:
    _correlation_id.reset(token)
