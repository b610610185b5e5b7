"""The shared bar chart: well-formed SVG, every figure in words, readable colours, no script or style."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from shared.charts.bars import SERIES_COLOURS, BarGroup, BarSeries, bar_chart_svg, describe_bars
from shared.charts.svg import TEXT_COLOUR
from shared.charts.trajectory import contrast_ratio

SVG = "{http://www.w3.org/2000/svg}"
SERIES = (BarSeries("recovery_rate", "Recovery"), BarSeries("deterioration_rate", "Deterioration"))
GROUPS = [
    BarGroup("Mental health <&>", {"recovery_rate": 52.4, "deterioration_rate": 0.0}),
    BarGroup("Substance use", {}, note="withheld: fewer than 5 clients"),
    BarGroup("All", {"recovery_rate": 150.0, "deterioration_rate": None}),
]


def test_the_chart_is_well_formed_and_says_every_figure_in_words():
    svg = bar_chart_svg(GROUPS, SERIES, title="Recovery by program", chart_id="report")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "report-title report-desc"
    assert root.find(f"{SVG}title").text == "Recovery by program"
    assert root.find(f"{SVG}desc").text == describe_bars(GROUPS, SERIES)
    assert describe_bars(GROUPS, SERIES) == (
        "Mental health <&>: Recovery 52.4 %, Deterioration 0 %. Substance use: withheld: fewer than 5 clients. "
        "All: Recovery 150 %, Deterioration no data."
    )
    bars = root.findall(f".//{SVG}rect")
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "Mental health <&>: Recovery 52.4 %",
        "All: Recovery 150 %",
    ]
    # A value past the maximum is drawn to the maximum, never beyond the plot.
    assert float(bars[1].get("width")) == 640 - 12 - 150 - 64
    assert float(bars[0].get("width")) == pytest.approx(0.524 * (640 - 12 - 150 - 64), abs=0.01)
    assert "<script" not in svg and "style" not in svg


def test_bars_and_text_reach_the_contrast_wcag_asks():
    assert all(contrast_ratio(colour, "#ffffff") >= 3 for colour in SERIES_COLOURS)
    assert contrast_ratio(TEXT_COLOUR, "#ffffff") >= 4.5


def test_no_groups_says_so():
    root = ET.fromstring(bar_chart_svg([], SERIES, title="Empty"))
    assert root.find(f"{SVG}desc").text == "No figures for this period."


@pytest.mark.parametrize("bad", [{"width": 100}, {"chart_id": "1 bad"}, {"maximum": 0}])
def test_bad_layouts_are_refused(bad):
    with pytest.raises(ValueError):
        bar_chart_svg(GROUPS, SERIES, title="t", **bad)
