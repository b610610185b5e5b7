"""The registry and the properties every instrument shares."""

from __future__ import annotations

import pytest

from shared.instruments import INSTRUMENTS, Instrument, ScreeningResult, get_instrument

CODES = ["phq9", "phq2", "gad7", "gad2", "audit", "auditc", "dast10", "pcl5", "cssrs_screen", "mdq"]
ITEM_COUNTS = {"phq9": 9, "phq2": 2, "gad7": 7, "gad2": 2, "audit": 10, "auditc": 3, "dast10": 10, "pcl5": 20,
               "cssrs_screen": 6, "mdq": 13}  # fmt: skip
TOTAL_RANGES = {"phq9": (0, 27), "phq2": (0, 6), "gad7": (0, 21), "gad2": (0, 6), "audit": (0, 40), "auditc": (0, 12),
                "dast10": (0, 10), "pcl5": (0, 80), "cssrs_screen": (None, None), "mdq": (0, 13)}  # fmt: skip
SCALE_ONLY = ["phq9", "phq2", "gad7", "gad2", "audit", "auditc", "pcl5"]


def test_registry_holds_exactly_the_ten_instruments():
    assert sorted(INSTRUMENTS) == sorted(CODES)
    assert all(isinstance(instrument, Instrument) for instrument in INSTRUMENTS.values())


def test_registry_cannot_be_changed():
    with pytest.raises(TypeError):
        INSTRUMENTS["new"] = INSTRUMENTS["phq9"]  # type: ignore[index]


def test_unknown_code_is_a_key_error():
    with pytest.raises(KeyError):
        get_instrument("phq10")


@pytest.mark.parametrize("code", CODES)
def test_instrument_shape(code):
    instrument = get_instrument(code)
    assert instrument.code == code
    assert len(instrument.items) == ITEM_COUNTS[code]
    assert [item.number for item in instrument.items] == list(range(1, ITEM_COUNTS[code] + 1))
    assert (instrument.min_total, instrument.max_total) == TOTAL_RANGES[code]
    assert instrument.version and instrument.name and instrument.description
    assert all(item.text.strip() and item.kind in ("scale", "boolean") and item.options for item in instrument.items)


@pytest.mark.parametrize("code", CODES)
def test_result_carries_code_and_version(blank, extras_for, code):
    instrument = get_instrument(code)
    result = instrument.score(blank(instrument), extras_for(instrument))
    assert isinstance(result, ScreeningResult)
    assert (result.instrument, result.version) == (code, instrument.version)


@pytest.mark.parametrize("code", SCALE_ONLY)
def test_every_item_at_its_highest_answer_reaches_the_maximum_total(code):
    instrument = get_instrument(code)
    answers = [max(item.allowed_values) for item in instrument.items]
    assert instrument.score(answers).total == TOTAL_RANGES[code][1]


@pytest.mark.parametrize("code", ["phq9", "gad7", "gad2", "audit", "dast10", "cssrs_screen", "mdq"])
def test_cutoffs_of_fixed_instruments_cannot_be_overridden(blank, extras_for, code):
    instrument = get_instrument(code)
    with pytest.raises(ValueError):
        instrument.score(blank(instrument), extras_for(instrument), cutoffs={code: 5})


def test_auditc_cutoff_is_not_a_setting():
    with pytest.raises(ValueError):
        get_instrument("auditc").score([0, 0, 0], cutoffs={"auditc": 5})
