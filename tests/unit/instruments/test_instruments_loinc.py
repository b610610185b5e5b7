"""LOINC codes checked against the clinical reference (section 2), written out here by hand."""

from __future__ import annotations

import pytest

from shared.instruments import INSTRUMENTS, get_instrument

PANEL_AND_TOTAL = {
    "phq9": ("44249-1", "44261-6"),
    "phq2": ("55757-9", "55758-7"),
    "gad7": ("69737-5", "70274-6"),
    "audit": ("72110-0", "75624-7"),
    "auditc": ("72109-2", "75626-2"),
    "dast10": ("82666-9", "82667-7"),
}
PHQ9_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
GAD7_ITEMS = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
PHQ_ANSWERS = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


@pytest.mark.parametrize(("code", "codes"), PANEL_AND_TOTAL.items())
def test_panel_and_total_codes(code, codes):
    instrument = get_instrument(code)
    assert (instrument.loinc_panel, instrument.loinc_total) == codes


def test_phq9_item_codes_in_order():
    assert [item.loinc for item in get_instrument("phq9").items] == PHQ9_ITEMS


def test_phq9_answer_codes_for_0_to_3():
    for item in get_instrument("phq9").items:
        assert [(o.value, o.loinc_answer) for o in item.options] == list(enumerate(PHQ_ANSWERS))


def test_phq9_item10_difficulty_code():
    (difficulty,) = get_instrument("phq9").extra_fields
    assert (difficulty.name, difficulty.loinc) == ("difficulty", "69722-7")


def test_gad7_item_codes_with_6_irritable_and_7_afraid():
    items = get_instrument("gad7").items
    assert [item.loinc for item in items] == GAD7_ITEMS
    assert (items[5].loinc, "irritable" in items[5].text) == ("69689-8", True)
    assert (items[6].loinc, "afraid" in items[6].text) == ("69736-7", True)


def test_short_forms_reuse_the_long_form_item_codes():
    assert [item.loinc for item in get_instrument("phq2").items] == PHQ9_ITEMS[:2]
    assert [item.loinc for item in get_instrument("gad2").items] == GAD7_ITEMS[:2]


@pytest.mark.parametrize("code", ["pcl5", "cssrs_screen", "mdq"])
def test_unverified_codes_are_not_hard_coded(code):
    instrument = get_instrument(code)
    assert instrument.loinc_panel is None and instrument.loinc_total is None
    assert all(item.loinc is None for item in instrument.items)


def test_no_code_serves_two_roles():
    # Catches panel/total and AUDIT/AUDIT-C mix-ups anywhere in the registry.
    seen: dict[str, str] = {}
    for code, instrument in INSTRUMENTS.items():
        for role, value in (("panel", instrument.loinc_panel), ("total", instrument.loinc_total)):
            if value is not None:
                assert value not in seen, f"{value} is both {seen[value]} and {code} {role}"
                seen[value] = f"{code} {role}"
