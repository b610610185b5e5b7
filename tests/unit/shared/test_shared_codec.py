"""Documents to stored values and back: dataclasses, dates, and containers of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from shared.codec import decode, encode


@dataclass(frozen=True)
class State:
    reached: bool
    at: datetime


@dataclass
class Holder:
    on: date
    states: dict[str, State] = field(default_factory=dict)
    history: list[State] = field(default_factory=list)


def test_a_round_trip_keeps_nested_dataclasses_in_dicts_and_lists():
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    original = Holder(date(2026, 12, 1), {"response": State(True, moment)}, [State(False, moment)])
    stored = encode(original)
    assert stored["on"] == "2026-12-01" and stored["states"]["response"] == {"reached": True, "at": moment}
    assert decode(Holder, stored) == original
