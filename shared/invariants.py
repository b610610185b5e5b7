"""What the code's own logic guarantees, checked in a way that survives `python -O` (asserts do not)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def known(value: T | None, what: str) -> T:
    """`value`, which the caller's logic guarantees is set; an error naming `what` otherwise."""
    if value is None:
        raise ValueError(f"{what} is missing: this is a bug, not bad input")
    return value
