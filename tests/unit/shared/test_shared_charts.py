"""The trajectory chart: well-formed, accessible, escaped SVG whose bands and points sit where the scores say."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from shared.charts.svg import TEXT_COLOUR
from shared.charts.trajectory import (
    BAND_FILLS,
    LINE_COLOUR,
    NO_SCORES,
    SCALES,
    TABLE_HEADER,
    Point,
    Series,
    contrast_ratio,
    describe,
    relative_luminance,
    trajectory_svg,
    trajectory_table_rows,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "charts"


def series(instrument: str, *scores: int, start: int = 1) -> Series:
    return Series(instrument, [Point(start + n, score, f"Session {start + n}") for n, score in enumerate(scores)])


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def panel(root: ET.Element, instrument: str) -> ET.Element:
    found = root.find(f".//svg:g[@class='panel panel-{instrument}']", NS)
    assert found is not None, f"no {instrument} panel"
    return found


def y_ticks(panel_element: ET.Element) -> dict[int, float]:
    return {
        int(text.text or ""): float(text.get("y", ""))
        for text in panel_element.iterfind(".//svg:text[@class='y-tick']", NS)
    }


def markers(element: ET.Element) -> list[ET.Element]:
    return element.findall(".//svg:circle[@class='marker']", NS)


def example() -> list[Series]:
    phq = Series(
        "phq9",
        [
            Point(1, 18, "Session 1, 7 Nov 2026"),
            Point(2, 16, "Session 2, 14 Nov 2026"),
            Point(3, 13, "Session 3, 21 Nov 2026"),
            Point(4, 10, "Session 4, 28 Nov 2026"),
            Point(5, 11, "Session 5, 5 Dec 2026"),
            Point(6, 9, "Session 6, 12 Dec 2026"),
        ],
    )
    gad = Series(
        "gad7",
        [Point(1, 15, "Session 1, 7 Nov 2026"), Point(3, 11, "Session 3, 21 Nov 2026"), Point(6, 6, "Session 6")],
    )
    return [phq, gad]


# ------------------------------------------------------------------------------------------ structure


def test_the_chart_is_a_well_formed_scalable_svg_with_an_accessible_name_and_description():
    svg = trajectory_svg(example(), title="Outcome trajectory")
    assert svg.startswith("<svg ")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 640 640"  # two panels of 320
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Outcome trajectory"


def test_the_chart_needs_no_script_style_or_external_resource():
    svg = trajectory_svg(example(), title="Outcome trajectory")
    tags = {element.tag.removeprefix(SVG) for element in parse(svg).iter()}
    assert tags.isdisjoint({"script", "style", "image", "use", "a", "foreignObject"})
    assert "style=" not in svg and "href" not in svg and "url(" not in svg


def test_each_chart_on_a_page_can_have_its_own_ids_and_a_dangerous_one_is_refused():
    root = parse(trajectory_svg(example(), title="t", chart_id="gad-only"))
    assert root.get("aria-labelledby") == "gad-only-title gad-only-desc"
    with pytest.raises(ValueError):
        trajectory_svg(example(), title="t", chart_id='x" onload="alert(1)')


# ------------------------------------------------------------------------------------------ bands and scales


def test_the_band_table_holds_the_published_cut_offs():
    bands = {code: [(band.lowest, band.highest, band.label) for band in scale.bands] for code, scale in SCALES.items()}
    assert bands["phq9"] == [
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 19, "moderately severe"),
        (20, 27, "severe"),
    ]
    assert bands["gad7"] == [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]


@pytest.mark.parametrize(("instrument", "boundaries"), [("phq9", [0, 5, 10, 15, 20, 27]), ("gad7", [0, 5, 10, 15, 21])])
def test_each_panel_shades_its_own_bands_between_ticks_at_the_band_boundaries(instrument, boundaries):
    root = parse(trajectory_svg([series("phq9", 3), series("gad7", 3)], title="t"))
    drawn = panel(root, instrument)
    ticks = y_ticks(drawn)
    assert sorted(ticks) == boundaries
    assert ticks[0] > ticks[boundaries[-1]]  # higher scores are higher up
    rects = drawn.findall(".//svg:rect", NS)
    labels = [text.text for text in drawn.iterfind(".//svg:text[@class='band-label']", NS)]
    assert labels == [band.label for band in SCALES[instrument].bands]
    assert len(rects) == len(boundaries) - 1
    for rect, lower, upper in zip(rects, boundaries, boundaries[1:], strict=False):
        top, height = float(rect.get("y", "")), float(rect.get("height", ""))
        # Coordinates are rounded to 0.01, so a sum of two may be 0.02 off.
        assert top == pytest.approx(ticks[upper], abs=0.01)
        assert top + height == pytest.approx(ticks[lower], abs=0.02)


def test_a_phq9_score_of_10_lies_on_the_boundary_between_mild_and_moderate():
    drawn = panel(parse(trajectory_svg([series("phq9", 4, 10, 27, 0)], title="t")), "phq9")
    boundary_ys = {float(line.get("y1", "")) for line in drawn.iterfind(".//svg:line[@class='boundary']", NS)}
    cys = [float(marker.get("cy", "")) for marker in markers(drawn)]
    ticks = y_ticks(drawn)
    moderate = drawn.find(".//svg:rect[@class='band band-moderate']", NS)
    assert moderate is not None
    assert cys[1] == pytest.approx(ticks[10]) and cys[1] in boundary_ys
    assert cys[1] == pytest.approx(float(moderate.get("y", "")) + float(moderate.get("height", "")), abs=0.02)
    assert cys[2] == pytest.approx(ticks[27]) and cys[3] == pytest.approx(ticks[0])
    # Anchored to the axes, not merely consistent with the ticks: 0 on the x axis, 27 at the top of the y axis.
    x_axis = drawn.find(".//svg:g[@class='x-axis']/svg:line[@class='axis']", NS)
    y_axis = drawn.find(".//svg:g[@class='y-axis']/svg:line[@class='axis']", NS)
    assert x_axis is not None and y_axis is not None
    assert cys[3] == float(x_axis.get("y1", "")) and cys[2] == float(y_axis.get("y1", ""))
    # Linear in between: 4 is four fifths of the way from 0 to 5.
    assert cys[0] == pytest.approx(ticks[0] + 0.8 * (ticks[5] - ticks[0]), abs=0.01)


def test_both_panels_share_the_x_axis_so_a_session_lines_up():
    root = parse(trajectory_svg(example(), title="t"))
    phq_x = [float(marker.get("cx", "")) for marker in markers(panel(root, "phq9"))]
    gad_x = [float(marker.get("cx", "")) for marker in markers(panel(root, "gad7"))]
    assert gad_x == [phq_x[0], phq_x[2], phq_x[5]]


# ------------------------------------------------------------------------------------------ points


def test_one_marker_per_point_each_with_its_label_and_score_as_a_tooltip():
    root = parse(trajectory_svg(example()[:1], title="t"))
    titles = [marker.findtext("svg:title", namespaces=NS) for marker in markers(root)]
    assert len(titles) == 6
    assert titles[0] == "Session 1, 7 Nov 2026: PHQ-9 18 (moderately severe)"
    assert titles[5] == "Session 6, 12 Dec 2026: PHQ-9 9 (mild)"


def test_points_are_joined_in_x_order_whatever_order_they_came_in():
    shuffled = Series("gad7", [Point(3, 8, "c"), Point(1, 15, "a"), Point(2, 12, "b")])
    root = parse(trajectory_svg([shuffled], title="t"))
    line = root.find(".//svg:polyline[@class='trajectory-line']", NS)
    assert line is not None
    joined = [tuple(float(n) for n in pair.split(",")) for pair in line.get("points", "").split()]
    centres = [(float(m.get("cx", "")), float(m.get("cy", ""))) for m in markers(root)]
    assert joined == centres and [x for x, _ in joined] == sorted(x for x, _ in joined)
    assert [m.findtext("svg:title", namespaces=NS) for m in markers(root)][0].startswith("a: ")


def test_x_ticks_sit_at_each_point_x():
    root = parse(trajectory_svg([series("phq9", 12, 9, start=3)], title="t"))
    assert [text.text for text in root.iterfind(".//svg:text[@class='x-tick']", NS)] == ["3", "4"]
    assert root.findtext(".//svg:text[@class='x-label']", namespaces=NS) == "Session"


def test_a_single_point_still_shows_without_a_line():
    root = parse(trajectory_svg([series("phq9", 12)], title="t"))
    assert len(markers(root)) == 1
    assert root.find(".//svg:polyline", NS) is None


def test_an_empty_series_says_no_scores_yet_but_keeps_its_bands():
    root = parse(trajectory_svg([series("phq9", 12, 8), Series("gad7", [])], title="t"))
    gad = panel(root, "gad7")
    assert markers(gad) == [] and gad.find(".//svg:polyline", NS) is None
    assert gad.findtext(".//svg:text[@class='no-scores']", namespaces=NS) == NO_SCORES
    assert len(gad.findall(".//svg:rect", NS)) == 4
    assert panel(root, "phq9").find(".//svg:text[@class='no-scores']", NS) is None


def test_no_series_at_all_is_still_a_chart_saying_no_scores_yet():
    root = parse(trajectory_svg([], title="t"))
    assert root.findtext(".//svg:text[@class='no-scores']", namespaces=NS) == NO_SCORES
    assert root.findtext("svg:desc", namespaces=NS) == "No scores yet."


# ------------------------------------------------------------------------------------------ words


def test_the_description_of_an_improvement():
    assert describe([series("phq9", 18, 14, 12, 11, 10, 9)]) == (
        "PHQ-9 from 18 (moderately severe) at session 1 to 9 (mild) at session 6: down 9 points."
    )


def test_the_description_of_a_deterioration_and_of_no_change():
    assert describe([series("gad7", 9, 10, start=2)]) == (
        "GAD-7 from 9 (mild) at session 2 to 10 (moderate) at session 3: up 1 point."
    )
    assert describe([series("gad7", 6, 6)]).endswith(": no change.")


def test_the_description_of_a_single_point_and_of_none():
    assert describe([series("phq9", 22, start=4)]) == "PHQ-9: a single score, 22 (severe) at session 4."
    assert describe([Series("gad7", [])]) == "GAD-7: no scores yet."


def test_the_svg_desc_carries_one_sentence_per_series_and_follows_the_x_label():
    root = parse(trajectory_svg(example(), title="t", x_label="Week"))
    desc = root.findtext("svg:desc", namespaces=NS) or ""
    assert desc.startswith("PHQ-9 from 18 (moderately severe) at week 1 to 9 (mild) at week 6: down 9 points. GAD-7")
    assert describe(example(), x_label="PHQ order").startswith("PHQ-9 from 18 (moderately severe) at PHQ order 1")


def test_table_rows_give_the_same_data_in_words():
    rows = trajectory_table_rows([Series("gad7", [Point(2, 10, "b"), Point(1, 4, "a")]), Series("phq9", [])])
    assert len(TABLE_HEADER) == 4
    assert rows == [("GAD-7", "a", "4", "minimal"), ("GAD-7", "b", "10", "moderate")]


# ------------------------------------------------------------------------------------------ safety


def test_hostile_text_is_escaped_and_never_becomes_markup():
    hostile = '<script>alert("x")</script> & "quoted"'
    svg = trajectory_svg(
        [Series("phq9", [Point(1, 5, hostile), Point(2, 6, "ok")])],
        title=hostile,
        x_label="</text><script>bad()</script>",
    )
    root = parse(svg)
    assert all(element.tag != f"{SVG}script" for element in root.iter())
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert root.findtext("svg:title", namespaces=NS) == hostile
    assert markers(root)[0].findtext("svg:title", namespaces=NS) == f"{hostile}: PHQ-9 5 (mild)"
    assert root.findtext(".//svg:text[@class='x-label']", namespaces=NS) == "</text><script>bad()</script>"


def test_unknown_instruments_and_off_scale_scores_are_refused():
    with pytest.raises(ValueError, match="no chart scale"):
        Series("bdi2", [])
    with pytest.raises(ValueError, match="outside"):
        series("gad7", 22)
    with pytest.raises(ValueError, match="outside"):
        series("phq9", -1)


def test_the_same_input_gives_the_same_bytes():
    first = trajectory_svg(example(), title="Outcome trajectory")
    again = trajectory_svg([Series(one.instrument, list(one.points)) for one in example()], title="Outcome trajectory")
    assert first == again


def test_a_series_cannot_change_under_the_caller():
    points = [Point(1, 5, "a")]
    frozen = Series("phq9", points)
    points.append(Point(2, 6, "b"))
    assert len(frozen.points) == 1


# ------------------------------------------------------------------------------------------ colour


def test_the_contrast_formula_matches_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert relative_luminance("#ffffff") == pytest.approx(1) and relative_luminance("#000000") == 0
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_lines_and_markers_reach_3_to_1_and_texts_4_5_to_1_against_every_band_as_drawn():
    root = parse(trajectory_svg(example(), title="t"))
    fills = {rect.get("fill", "") for rect in root.iter(f"{SVG}rect")}
    line = root.find(".//svg:polyline", NS)
    assert line is not None and fills == set(BAND_FILLS.values())
    strokes = {line.get("stroke", "")} | {marker.get("fill", "") for marker in markers(root)}
    assert strokes == {LINE_COLOUR}
    for fill in fills:
        assert contrast_ratio(LINE_COLOUR, fill) >= 3, fill
        assert contrast_ratio(TEXT_COLOUR, fill) >= 4.5, fill


def test_band_fills_are_pale_and_each_differs_from_its_neighbour():
    for scale in SCALES.values():
        fills = [band.fill for band in scale.bands]
        assert len(set(fills)) == len(fills)
        assert all(relative_luminance(fill) > 0.6 for fill in fills)
        for lower, upper in zip(fills, fills[1:], strict=False):
            rgb = [(int(a[i : i + 2], 16), int(b[i : i + 2], 16)) for a, b in [(lower, upper)] for i in (1, 3, 5)]
            assert sum((x - y) ** 2 for x, y in rgb) ** 0.5 >= 20, (lower, upper)


# ------------------------------------------------------------------------------------------ artifact


def test_an_example_is_saved_for_a_person_to_look_at():
    # The SVG opens in any browser; unit tests start no browser or other process.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    svg_path = ARTIFACTS / "trajectory-example.svg"
    svg_path.write_text(trajectory_svg(example(), title="PHQ-9 and GAD-7 over treatment"), encoding="utf-8")
    assert parse(svg_path.read_text(encoding="utf-8")).tag == f"{SVG}svg"
