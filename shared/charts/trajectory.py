"""A client's outcome trajectory (PHQ-9, GAD-7, ...) as a server-rendered, accessible SVG.

Pure and deterministic: the same series give the same bytes. The output is an SVG 1.1 fragment to inline in an
HTML page under a strict Content-Security-Policy: no script, no `style` attribute or element, no external
resource; colours and fonts are SVG presentation attributes, which CSP does not govern.

Layout: one SVG, one stacked panel per series, `height` tall each, so every instrument keeps its own axis and
severity bands; the x axis (session number or measure order) is shared by all panels, so scores taken at the
same session line up vertically.

Accessibility: `role="img"` named and described by the `<title>` and `<desc>` elements (the desc summarises
each trajectory in words); every point carries a `<title>` (native tooltip); `trajectory_table_rows` gives the
same data for an adjacent or visually hidden HTML table. No client name is ever part of the chart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from xml.sax.saxutils import escape, quoteattr

# The scoring modules own the cut-offs: the chart reads them so a band drawn can never disagree with the
# severity a score was given.
from shared.instruments.gad import GAD7_BANDS
from shared.instruments.phq import PHQ9_BANDS
from shared.instruments.scales import Bands

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
NO_SCORES = "No scores yet"
TABLE_HEADER = ("Measure", "When", "Score", "Severity")

# Colours. Lines and markers must reach 3:1 against every band fill (WCAG 1.4.11, non-text contrast) and texts
# 4.5:1 (1.4.3); the tests compute both, so a paler line or a darker band fails there, not in an audit.
LINE_COLOUR = "#1e293b"
TEXT_COLOUR = "#1f2937"
AXIS_COLOUR = "#4b5563"
BOUNDARY_COLOUR = "#ffffff"  # a thin white rule between bands: separates fills without competing with the line
MARKER_RING = "#ffffff"  # keeps a marker distinct where the line passes through it
FONT_FAMILY = "system-ui, sans-serif"
FONT_SIZE = 11

# Pale fills, one per severity word, so "severe" looks the same on every instrument. Colour is never the only
# cue: each band is also labelled in words at the right edge.
BAND_FILLS: Mapping[str, str] = MappingProxyType(
    {
        "minimal": "#e3f2e1",
        "mild": "#fbf5d0",
        "moderate": "#fde5c3",
        "moderately_severe": "#f9cdb4",
        "severe": "#f4c0cc",
    }
)

# Geometry of one panel, in viewBox units.
MARGIN_LEFT = 44  # y tick labels
MARGIN_RIGHT = 128  # band labels; "moderately severe" must fit
MARGIN_TOP = 28  # panel heading
MARGIN_BOTTOM = 44  # x tick labels and the x axis label
INNER_PAD = 16  # keeps the first and last markers off the axes
MIN_TICK_GAP = 28  # x tick labels closer than this would overlap: the tick stays, its label is dropped
MARKER_RADIUS = 4.5
MIN_WIDTH, MIN_HEIGHT = 320, 160
CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Band:
    """One severity band: scores `lowest` to `highest` inclusive."""

    lowest: int
    highest: int
    key: str
    fill: str

    @property
    def label(self) -> str:
        return self.key.replace("_", " ")


@dataclass(frozen=True)
class Scale:
    """How one instrument is drawn: its display name and its bands, contiguous from 0 to its maximum."""

    name: str
    bands: tuple[Band, ...]

    @property
    def maximum(self) -> int:
        return self.bands[-1].highest

    @property
    def boundaries(self) -> tuple[int, ...]:
        """Where the y ticks go: each band's lowest score, and the top of the scale."""
        return (*(band.lowest for band in self.bands), self.maximum)

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.lowest <= score <= band.highest:
                return band
        raise ValueError(f"{self.name} score {score} is outside 0-{self.maximum}")


def _scale(name: str, bands: Bands) -> Scale:
    # Checked at import: a gap or overlap in a band table would draw a chart that silently misleads.
    expected = 0
    for lowest, highest, _key in bands:
        if lowest != expected or highest < lowest:
            raise ValueError(f"{name} bands must be contiguous from 0: {bands!r}")
        expected = highest + 1
    return Scale(name, tuple(Band(lowest, highest, key, BAND_FILLS[key]) for lowest, highest, key in bands))


# The one table of drawing rules: an instrument can be charted when it has a row here.
SCALES: Mapping[str, Scale] = MappingProxyType(
    {
        "phq9": _scale("PHQ-9", PHQ9_BANDS),
        "gad7": _scale("GAD-7", GAD7_BANDS),
    }
)


@dataclass(frozen=True)
class Point:
    """One score: `x` is the session number or measure order, `label` says when (e.g. "Session 3, 12 Dec 2026")."""

    x: int
    score: int
    label: str


@dataclass(frozen=True)
class Series:
    """One instrument's scores for one client, in any order (they are drawn by x)."""

    instrument: str
    points: Sequence[Point]

    def __post_init__(self) -> None:
        if self.instrument not in SCALES:
            raise ValueError(f"no chart scale for {self.instrument!r}; known: {', '.join(sorted(SCALES))}")
        scale = SCALES[self.instrument]
        for point in self.points:
            scale.band_for(point.score)  # raises for a score off the axis rather than draw it outside the panel
        # A tuple, so a frozen Series really cannot change under the caller.
        object.__setattr__(self, "points", tuple(self.points))

    @property
    def scale(self) -> Scale:
        return SCALES[self.instrument]

    def in_order(self) -> tuple[Point, ...]:
        # Stable: points sharing an x keep the caller's order.
        return tuple(sorted(self.points, key=lambda point: point.x))


@dataclass(frozen=True)
class _Frame:
    """Maps data to viewBox coordinates for one panel's plot area."""

    left: float
    top: float
    right: float
    bottom: float
    x_min: int
    x_max: int
    maximum: int

    def x(self, value: int) -> float:
        inner_left, inner_right = self.left + INNER_PAD, self.right - INNER_PAD
        if self.x_max == self.x_min:  # a single x: centred rather than divided by zero
            return (inner_left + inner_right) / 2
        return inner_left + (value - self.x_min) * (inner_right - inner_left) / (self.x_max - self.x_min)

    def y(self, score: float) -> float:
        return self.bottom - score * (self.bottom - self.top) / self.maximum


# ---------------------------------------------------------------------------------------------- public API


def trajectory_svg(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str = "Session",
    width: int = 640,
    height: int = 320,
    chart_id: str = "trajectory",
) -> str:
    """The SVG text of a trajectory chart: one panel per series, each `height` tall, all `width` wide.

    `chart_id` prefixes the ids of the `<title>` and `<desc>` elements; give each chart on one page its own.
    """
    _check_layout(width, height, chart_id)
    panels = [_panel(one, index, series, x_label, width, height) for index, one in enumerate(series)]
    if not panels:
        panels = [_text(width / 2, height / 2, NO_SCORES, css_class="no-scores", anchor="middle")]
    total_height = height * max(len(series), 1)
    root = {
        "xmlns": SVG_NAMESPACE,
        "version": "1.1",
        "viewBox": f"0 0 {width} {total_height}",
        "width": "100%",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "class": "trajectory-chart",
        "font-family": FONT_FAMILY,
        "font-size": str(FONT_SIZE),
    }
    children = (
        _element("title", {"id": f"{chart_id}-title"}, escape(title))
        + _element("desc", {"id": f"{chart_id}-desc"}, escape(describe(series, x_label=x_label)))
        + "".join(panels)
    )
    return _element("svg", root, children)


def describe(series: Sequence[Series], *, x_label: str = "Session") -> str:
    """The chart in words, one sentence per series: what the `<desc>` says."""
    if not series:
        return f"{NO_SCORES}."
    return " ".join(_sentence(one, x_label) for one in series)


def trajectory_table_rows(series: Sequence[Series]) -> list[tuple[str, ...]]:
    """The chart's data as table rows under `TABLE_HEADER`: (measure, when, score, severity), by x per series.

    A series without scores gives no row; the page can say "No scores yet" itself.
    """
    return [
        (one.scale.name, point.label, str(point.score), one.scale.band_for(point.score).label)
        for one in series
        for point in one.in_order()
    ]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a "#rrggbb" colour."""
    red, green, blue = (int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


# ---------------------------------------------------------------------------------------------- words


def _sentence(one: Series, x_label: str) -> str:
    points, name = one.in_order(), one.scale.name
    if not points:
        return f"{name}: no scores yet."
    first, latest = points[0], points[-1]
    if len(points) == 1:
        return f"{name}: a single score, {_score_words(one, first)} at {_when(x_label, first)}."
    return (
        f"{name} from {_score_words(one, first)} at {_when(x_label, first)} "
        f"to {_score_words(one, latest)} at {_when(x_label, latest)}: {_change(latest.score - first.score)}."
    )


def _score_words(one: Series, point: Point) -> str:
    return f"{point.score} ({one.scale.band_for(point.score).label})"


def _when(x_label: str, point: Point) -> str:
    # Mid-sentence "session 3", but an acronym such as "PHQ order" keeps its capitals.
    words = x_label if x_label[1:2].isupper() else x_label[:1].lower() + x_label[1:]
    return f"{words} {point.x}"


def _change(delta: int) -> str:
    if delta == 0:
        return "no change"
    unit = "point" if abs(delta) == 1 else "points"
    return f"{'down' if delta < 0 else 'up'} {abs(delta)} {unit}"


# ---------------------------------------------------------------------------------------------- drawing


def _check_layout(width: int, height: int, chart_id: str) -> None:
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValueError(f"a chart needs at least {MIN_WIDTH}x{MIN_HEIGHT} per panel, got {width}x{height}")
    # The id lands in two attributes and a page's id space: restricted, not merely escaped.
    if not CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must match {CHART_ID.pattern}, got {chart_id!r}")


def _frame(index: int, one: Series, everything: Sequence[Series], width: int, height: int) -> _Frame:
    xs = [point.x for other in everything for point in other.points]
    top = index * height + MARGIN_TOP
    return _Frame(
        left=MARGIN_LEFT,
        top=top,
        right=width - MARGIN_RIGHT,
        bottom=(index + 1) * height - MARGIN_BOTTOM,
        x_min=min(xs, default=0),
        x_max=max(xs, default=0),
        maximum=one.scale.maximum,
    )


def _panel(one: Series, index: int, everything: Sequence[Series], x_label: str, width: int, height: int) -> str:
    frame = _frame(index, one, everything, width, height)
    points = one.in_order()
    heading = _text(frame.left, frame.top - 10, f"{one.scale.name} score", css_class="panel-heading", bold=True)
    body = (
        _bands(one.scale, frame, width)
        + _y_axis(one.scale, frame)
        + _x_axis(points, frame, x_label)
        + (_line(points, frame) + _markers(one, points, frame) if points else _no_scores(frame))
    )
    return _element("g", {"class": f"panel panel-{one.instrument}"}, heading + body)


def _bands(scale: Scale, frame: _Frame, width: int) -> str:
    # The fill runs on under the right-hand label so each label visibly sits in its own band.
    right_edge = width - 4
    parts = []
    for band, upper in zip(scale.bands, scale.boundaries[1:], strict=True):
        top, bottom = frame.y(upper), frame.y(band.lowest)
        parts.append(
            _element(
                "rect",
                {
                    "class": f"band band-{band.key}",
                    "x": frame.left,
                    "y": top,
                    "width": right_edge - frame.left,
                    "height": bottom - top,
                    "fill": band.fill,
                },
            )
        )
        parts.append(_text(frame.right + 8, (top + bottom) / 2, band.label, css_class="band-label", middle=True))
    return _element("g", {"class": "bands"}, "".join(parts))


def _y_axis(scale: Scale, frame: _Frame) -> str:
    parts = [_rule(frame.left, frame.top, frame.left, frame.bottom, AXIS_COLOUR, "axis")]
    for score in scale.boundaries:
        y = frame.y(score)
        if 0 < score < scale.maximum:
            parts.append(_rule(frame.left, y, frame.right, y, BOUNDARY_COLOUR, "boundary"))
        parts.append(_rule(frame.left - 4, y, frame.left, y, AXIS_COLOUR, "tick"))
        parts.append(_text(frame.left - 7, y, str(score), css_class="y-tick", anchor="end", middle=True))
    return _element("g", {"class": "y-axis"}, "".join(parts))


def _x_axis(points: Sequence[Point], frame: _Frame, x_label: str) -> str:
    parts = [_rule(frame.left, frame.bottom, frame.right, frame.bottom, AXIS_COLOUR, "axis")]
    last_labelled: float | None = None
    for value in sorted({point.x for point in points}):
        x = frame.x(value)
        parts.append(_rule(x, frame.bottom, x, frame.bottom + 4, AXIS_COLOUR, "tick"))
        if last_labelled is None or x - last_labelled >= MIN_TICK_GAP:
            parts.append(_text(x, frame.bottom + 16, str(value), css_class="x-tick", anchor="middle"))
            last_labelled = x
    centre = (frame.left + frame.right) / 2
    parts.append(_text(centre, frame.bottom + 34, x_label, css_class="x-label", anchor="middle"))
    return _element("g", {"class": "x-axis"}, "".join(parts))


def _line(points: Sequence[Point], frame: _Frame) -> str:
    # One point has nothing to join: its marker alone shows it.
    if len(points) < 2:
        return ""
    coordinates = " ".join(f"{_number(frame.x(point.x))},{_number(frame.y(point.score))}" for point in points)
    attributes = {
        "class": "trajectory-line",
        "points": coordinates,
        "fill": "none",
        "stroke": LINE_COLOUR,
        "stroke-width": "2",
        "stroke-linejoin": "round",
    }
    return _element("polyline", attributes)


def _markers(one: Series, points: Sequence[Point], frame: _Frame) -> str:
    markers = [
        _element(
            "circle",
            {
                "class": "marker",
                "cx": frame.x(point.x),
                "cy": frame.y(point.score),
                "r": MARKER_RADIUS,
                "fill": LINE_COLOUR,
                "stroke": MARKER_RING,
                "stroke-width": "1.5",
            },
            _element("title", {}, escape(f"{point.label}: {one.scale.name} {_score_words(one, point)}")),
        )
        for point in points
    ]
    return _element("g", {"class": "points"}, "".join(markers))


def _no_scores(frame: _Frame) -> str:
    centre_x, centre_y = (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2
    return _text(centre_x, centre_y, NO_SCORES, css_class="no-scores", anchor="middle", middle=True)


# ---------------------------------------------------------------------------------------------- markup


def _rule(x1: float, y1: float, x2: float, y2: float, colour: str, css_class: str) -> str:
    attributes: dict[str, str | float] = {
        "class": css_class,
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
        "stroke": colour,
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
        # dy rather than dominant-baseline: the same vertical centring in every renderer, rsvg included.
        attributes["dy"] = "0.35em"
    if bold:
        attributes["font-weight"] = "bold"
    return _element("text", attributes, escape(words))


def _element(name: str, attributes: Mapping[str, str | float], children: str = "") -> str:
    """One element; `children` must already be markup or escaped text. Attributes keep their given order."""
    rendered = "".join(f" {key}={quoteattr(_attribute(value))}" for key, value in attributes.items())
    if not children:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{children}</{name}>"


def _attribute(value: str | float) -> str:
    return value if isinstance(value, str) else _number(value)


def _number(value: float) -> str:
    # Two decimals are finer than any screen needs and keep the output short and stable.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _linear(channel: float) -> float:
    # The sRGB transfer function, as WCAG 2 defines relative luminance.
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
