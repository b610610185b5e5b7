"""Fixtures shared by the staff UI tests: a clock the tests move by hand (sign-in delays and sessions run on it)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()
