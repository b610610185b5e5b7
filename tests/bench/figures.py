"""What the benchmark reports: each figure beside the ceiling measured in the same run, as a ratio,
with its target and whether it was met (or by how much it misses). Pure: no clock, no I/O."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    """A goal for a figure: either a least ratio to its ceiling (`min_ratio`) or a greatest value
    (`max_value`, in the figure's unit, e.g. a p99 latency)."""

    min_ratio: float | None = None
    max_value: float | None = None

    def describe(self, unit: str) -> str:
        if self.min_ratio is not None:
            return f"≥ {self.min_ratio:g}×"
        if self.max_value is not None:
            return f"≤ {self.max_value:g} {unit}"
        return ""


@dataclass(frozen=True)
class Figure:
    """One measured figure. `ceiling` is what the same work costs without the platform (raw client
    or bare endpoint), measured in the same run; `higher_is_better` says which way the ratio reads."""

    name: str
    value: float
    unit: str
    ceiling_name: str | None = None
    ceiling: float | None = None
    target: Target | None = None
    higher_is_better: bool = True
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ceiling is None or self.ceiling == 0:
            return None
        return self.value / self.ceiling

    @property
    def met(self) -> bool | None:
        """True or False against the target; None when the figure has none."""
        if self.target is None:
            return None
        if self.target.min_ratio is not None:
            ratio = self.ratio
            return None if ratio is None else ratio >= self.target.min_ratio
        if self.target.max_value is not None:
            return self.value <= self.target.max_value
        return None

    @property
    def shortfall(self) -> str:
        """Met, missed by how much, or empty without a target."""
        met = self.met
        if met is None:
            return ""
        if met:
            return "met"
        assert self.target is not None  # met is not None only with a target
        if self.target.min_ratio is not None and self.ratio is not None:
            short = self.target.min_ratio * (self.ceiling or 0) - self.value
            return f"missed: {self.ratio:.2f}× of {self.target.min_ratio:g}× ({short:,.0f} {self.unit} short)"
        if self.target.max_value is not None:
            over = self.value - self.target.max_value
            return f"missed: {over:,.0f} {self.unit} over ({self.value / self.target.max_value:.1f}× the limit)"
        return "missed"

    def as_json(self) -> dict[str, Any]:
        result = asdict(self)
        result["target"] = self.target.describe(self.unit) if self.target else None
        ratio = self.ratio
        result |= {"ratio": None if ratio is None else round(ratio, 3), "met": self.met, "verdict": self.shortfall}
        return result


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown_table(figures: list[Figure]) -> str:
    """The table printed at the end and written to bench/results.md."""
    lines = [
        "| figure | value | ceiling | ratio | target | verdict |",
        "|---|---:|---|---:|---|---|",
    ]
    for figure in figures:
        ceiling = "—"
        if figure.ceiling is not None:
            ceiling = f"{_number(figure.ceiling)} {figure.unit} ({figure.ceiling_name})"
        ratio = figure.ratio
        target = figure.target.describe(figure.unit) if figure.target else ""
        note = f" — {figure.note}" if figure.note else ""
        lines.append(
            f"| {figure.name}{note} | {_number(figure.value)} {figure.unit} | {ceiling} | "
            f"{'—' if ratio is None else f'{ratio:.2f}×'} | {target} | {figure.shortfall} |"
        )
    return "\n".join(lines)


def machine_lines(machine: dict[str, Any]) -> str:
    return "\n".join(f"- {key.replace('_', ' ')}: {value}" for key, value in machine.items())


def probe_lines(probes: dict[str, Any]) -> list[str]:
    """What the consumer's and the relay's own probes reported, one line per measurement."""
    lines = []
    for module, reported in probes.items():
        entries = reported if isinstance(reported, list) else [reported]
        for entry in entries:
            if isinstance(entry, dict):
                name = entry.get("benchmark", "")
                values = ", ".join(f"{key} {value}" for key, value in entry.items() if key != "benchmark")
                lines.append(f"- {module}: {name}: {values}" if name else f"- {module}: {values}")
            else:
                lines.append(f"- {module}: {entry}")
    return lines


def results_markdown(
    machine: dict[str, Any], figures: list[Figure], problems: list[str], probes: dict[str, Any] | None = None
) -> str:
    parts = ["# Benchmark results", "", machine_lines(machine), "", markdown_table(figures)]
    if probes:
        parts += ["", "Reported by the consumer's and the relay's own probes:", "", *probe_lines(probes)]
    if problems:
        parts += ["", "Probes that did not complete:", "", *(f"- {problem}" for problem in problems)]
    return "\n".join(parts) + "\n"


def results_json(
    machine: dict[str, Any], figures: list[Figure], problems: list[str], probes: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"machine": machine, "figures": [f.as_json() for f in figures], "problems": problems, "probes": probes or {}}
