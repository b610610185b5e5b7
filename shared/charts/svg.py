"""SVG primitives the platform's charts draw with: elements with escaped attributes in a stable
order, numbers to two decimals, axis lines and text. Charts are plain SVG 1.1 for a strict
Content-Security-Policy: no script, no style attribute or element."""

from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

TEXT_COLOUR = "#1f2937"
AXIS_COLOUR = "#4b5563"


def rule(x1: float, y1: float, x2: float, y2: float, colour: str = AXIS_COLOUR, css_class: str = "axis") -> str:
    attributes: dict[str, str | float] = {
        "class": css_class,
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
        "stroke": colour,
        "stroke-width": "1",
    }
    return element("line", attributes)


def text(
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
    return element("text", attributes, escape(words))


def element(name: str, attributes: Mapping[str, str | float], children: str = "") -> str:
    """One element; `children` must already be markup or escaped text. Attributes keep their given order."""
    rendered = "".join(f" {key}={quoteattr(attribute(value))}" for key, value in attributes.items())
    if not children:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{children}</{name}>"


def attribute(value: str | float) -> str:
    return value if isinstance(value, str) else number(value)


def number(value: float) -> str:
    # Two decimals are finer than any screen needs and keep the output short and stable.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
