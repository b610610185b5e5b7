"""What a run did: every call by type and outcome, latency percentiles per type, errors by status."""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

PERCENTILES = (50, 90, 95, 99)
OK, EXPECTED_REFUSAL, ERROR = "ok", "expected_refusal", "error"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the smallest value with at least p% of values at or below it)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Recorder:
    """Collects calls from several threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: Counter[tuple[str, int]] = field(default_factory=Counter)
    journeys: Counter[str] = field(default_factory=Counter)
    unused_slots: int = 0  # open loop: calls due when no client was ready to make one
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def call(self, name: str, status: int, outcome: str, seconds: float) -> None:
        with self._lock:
            self.latencies[name].append(seconds)
            self.outcomes[(name, outcome)] += 1
            if outcome == ERROR:
                self.errors[(name, status)] += 1

    def unused_slot(self) -> None:
        with self._lock:
            self.unused_slots += 1

    def journey(self, how: str) -> None:
        with self._lock:
            self.journeys[how] += 1

    def summary(self, elapsed: float, settings: dict[str, Any]) -> Summary:
        with self._lock:
            calls: dict[str, dict[str, Any]] = {}
            for name in sorted(self.latencies):
                values = self.latencies[name]
                counts = {o: n for (call, o), n in self.outcomes.items() if call == name}
                latency = {f"p{p}": round(percentile(values, p) * 1000, 1) for p in PERCENTILES}
                latency["max"] = round(max(values) * 1000, 1)
                calls[name] = {"count": len(values), "outcomes": counts, "latency_ms": latency}
            errors = [{"call": c, "status": s, "count": n} for (c, s), n in sorted(self.errors.items())]
            return Summary(
                settings=settings,
                elapsed_seconds=round(elapsed, 3),
                calls=calls,
                errors=errors,
                journeys=dict(sorted(self.journeys.items())),
                unused_slots=self.unused_slots,
            )


@dataclass(frozen=True)
class Summary:
    settings: dict[str, Any]
    elapsed_seconds: float
    calls: dict[str, dict[str, Any]]
    errors: list[dict[str, Any]]
    journeys: dict[str, int]
    unused_slots: int = 0

    @property
    def total_calls(self) -> int:
        return sum(call["count"] for call in self.calls.values())

    @property
    def error_count(self) -> int:
        return sum(error["count"] for error in self.errors)

    def as_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "elapsed_seconds": self.elapsed_seconds,
            "total_calls": self.total_calls,
            "error_count": self.error_count,
            "journeys": self.journeys,
            "unused_slots": self.unused_slots,
            "calls": self.calls,
            "errors": self.errors,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=True)

    def to_text(self) -> str:
        rate = self.total_calls / self.elapsed_seconds if self.elapsed_seconds else 0.0
        lines = [
            f"{self.total_calls} calls in {self.elapsed_seconds:.1f} s ({rate:.1f}/s), {self.error_count} errors",
            "clients: " + ", ".join(f"{how} {n}" for how, n in self.journeys.items()),
            *([f"open loop: {self.unused_slots} calls due when no client was ready"] if self.unused_slots else []),
            "",
            f"{'call':<22}{'count':>7}{'ok':>7}{'refused':>9}{'error':>7}"
            + "".join(f"{f'p{p} ms':>10}" for p in PERCENTILES)
            + f"{'max ms':>10}",
        ]
        for name, call in self.calls.items():
            outcomes, latency = call["outcomes"], call["latency_ms"]
            lines.append(
                f"{name:<22}{call['count']:>7}{outcomes.get(OK, 0):>7}{outcomes.get(EXPECTED_REFUSAL, 0):>9}"
                f"{outcomes.get(ERROR, 0):>7}"
                + "".join(f"{latency[f'p{p}']:>10.1f}" for p in PERCENTILES)
                + f"{latency['max']:>10.1f}"
            )
        if self.errors:
            lines += ["", "errors by status:"]
            lines += [f"  {e['call']}: HTTP {e['status'] or 'no answer'} × {e['count']}" for e in self.errors]
        return "\n".join(lines)
