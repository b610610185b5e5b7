"""Grouped horizontal bars (rates per group, e.g. recovery per program) as a server-rendered, accessible SVG.

The same promises as the trajectory chart: pure and deterministic, no script, no `style`, no external resource
(safe inline under a strict CSP). Every bar is named in words beside it ("Recovery 52.4 %"), so colour is never
the only cue; `role="img"` with `<title>` and a `<desc>` that reads every figure; each bar has its own `<title>`.
A group without figures (e.g. withheld as too small) is drawn as its note in words, with no bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from shared.charts.trajectory import AXIS_COLOUR, CHART_ID, FONT_FAMILY, FONT_SIZE, SVG_NAMESPACE, TEXT_COLOUR

# Bar fills reach 3:1 against the white page (WCAG 1.4.11); the tests compute it.
SERIES_COLOURS = ("#1d4ed8", "#047857", "#b91c1c", "#6d28d9", "#92400e")
NO_GROUPS = "No figures for this period"
NO_VALUE = "no data"

MARGIN_LEFT = 12
NAME_WIDTH = 150  # series names left of the bars
VALUE_WIDTH = 64  # the value in words right of the longest bar
HEADING_HEIGHT = 22
BAR_HEIGHT = 14
BAR_GAP = 5
GROUP_GAP = 14
MIN_WIDTH = 360


@dataclass(frozen=True)
class BarSeries:
    """One measure drawn in every group, e.g. ("recovery_rate", "Recovery")."""

    key: str
    name: str


@dataclass(frozen=True)
class BarGroup:
    """One group's values by series key (None: no value); `note` instead of bars when it has none to show."""

    label: str
    values: Mapping[str, float | None]
    note: str | None = None


def bar_chart_svg(
    groups: Sequence[BarGroup],
    series: Sequence[BarSeries],
    *,
    title: str,
    unit: str = "%",
    maximum: float = 100.0,
    width: int = 640,
    chart_id: str = "bars",
) -> str:
    """The SVG text: for each group a heading, then one labelled bar per series, all on one 0–`maximum` scale."""
    if width < MIN_WIDTH:
        raise ValueError(f"a bar chart needs a width of at least {MIN_WIDTH}, got {width}")
    if not CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must match {CHART_ID.pattern}, got {chart_id!r}")
    if len(series) > len(SERIES_COLOURS):
        raise ValueError(f"at most {len(SERIES_COLOURS)} series")
    if maximum <= 0:
        raise ValueError("maximum must be above 0")
    parts, y = [], 0.0
    for group in groups:
        drawn, y = _group(group, series, y, width, unit, maximum)
        parts.append(drawn)
    if not groups:
        parts.append(_text(width / 2, 30, NO_GROUPS, css_class="no-groups", anchor="middle"))
        y = 48
    root = {
        "xmlns": SVG_NAMESPACE,
        "version": "1.1",
        "viewBox": f"0 0 {width} {_number(y)}",
        "width": "100%",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "class": "bar-chart",
        "font-family": FONT_FAMILY,
        "font-size": str(FONT_SIZE),
    }
    children = (
        _element("title", {"id": f"{chart_id}-title"}, escape(title))
        + _element("desc", {"id": f"{chart_id}-desc"}, escape(describe_bars(groups, series, unit=unit)))
        + "".join(parts)
    )
    return _element("svg", root, children)


def describe_bars(groups: Sequence[BarGroup], series: Sequence[BarSeries], *, unit: str = "%") -> str:
    """The chart in words, one sentence per group: what the `<desc>` says."""
    if not groups:
        return f"{NO_GROUPS}."
    sentences = []
    for group in groups:
        if group.note is not None:
            sentences.append(f"{group.label}: {group.note}.")
            continue
        figures = ", ".join(f"{one.name} {_value_words(group.values.get(one.key), unit)}" for one in series)
        sentences.append(f"{group.label}: {figures}.")
    return " ".join(sentences)


def _group(
    group: BarGroup, series: Sequence[BarSeries], top: float, width: int, unit: str, maximum: float
) -> tuple[str, float]:
    bars_left = MARGIN_LEFT + NAME_WIDTH
    bars_width = width - bars_left - VALUE_WIDTH
    parts = [_text(MARGIN_LEFT, top + 15, group.label, css_class="group-label", bold=True)]
    y = top + HEADING_HEIGHT
    if group.note is not None:
        parts.append(_text(MARGIN_LEFT, y + BAR_HEIGHT / 2, group.note, css_class="group-note", middle=True))
        y += BAR_HEIGHT + BAR_GAP
    else:
        parts.append(_rule(bars_left, y - 2, bars_left, y + len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + 2))
        for index, one in enumerate(series):
            value = group.values.get(one.key)
            parts.append(_bar(group, one, index, value, y, bars_left, bars_width, unit, maximum))
            y += BAR_HEIGHT + BAR_GAP
    return _element("g", {"class": "group"}, "".join(parts)), y - BAR_GAP + GROUP_GAP


def _bar(
    group: BarGroup,
    one: BarSeries,
    index: int,
    value: float | None,
    y: float,
    left: float,
    full: float,
    unit: str,
    maximum: float,
) -> str:
    middle = y + BAR_HEIGHT / 2
    words = _value_words(value, unit)
    parts = [_text(left - 6, middle, one.name, css_class="series-name", anchor="end", middle=True)]
    length = 0.0 if value is None else full * min(max(value, 0.0), maximum) / maximum
    if length > 0:
        attributes: dict[str, str | float] = {
            "class": f"bar bar-{one.key}",
            "x": left,
            "y": y,
            "width": length,
            "height": BAR_HEIGHT,
            "fill": SERIES_COLOURS[index],
        }
        parts.append(_element("rect", attributes, _element("title", {}, escape(f"{group.label}: {one.name} {words}"))))
    parts.append(_text(left + length + 5, middle, words, css_class="value", middle=True))
    return _element("g", {"class": "series"}, "".join(parts))


def _value_words(value: float | None, unit: str) -> str:
    if value is None:
        return NO_VALUE
    return f"{_number(value)} {unit}".strip()


# ---------------------------------------------------------------------------------------------- markup


def _rule(x1: float, y1: float, x2: float, y2: float) -> str:
    attributes: dict[str, str | float] = {
        "class": "axis",
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
        "stroke": AXIS_COLOUR,
        "stroke-width": "1",
    }
    return _element("line", attributes)


def _text(
    x: float,
    y: float,
    words: str,
    *,
    css_class: str,
    anchor: str = "start",
    middle: bool = False,
    bold: bool = False,
) -> str:
    attributes: dict[str, str | float] = {"class": css_class, "x": x, "y": y, "fill": TEXT_COLOUR}
    if anchor != "start":
        attributes["text-anchor"] = anchor
    if middle:
        attributes["dy"] = "0.35em"
    if bold:
        attributes["font-weight"] = "bold"
    return _element("text", attributes, escape(words))


def _element(name: str, attributes: Mapping[str, str | float], children: str = "") -> str:
    rendered = "".join(f" {key}={quoteattr(_attribute(value))}" for key, value in attributes.items())
    if not children:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{children}</{name}>"


def _attribute(value: str | float) -> str:
    return value if isinstance(value, str) else _number(value)


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
