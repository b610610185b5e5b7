"""GAD-7 and GAD-2 (Spitzer, Kroenke, Williams & Löwe; public domain): anxiety over the last 2 weeks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES
from shared.instruments.model import ScreeningResult
from shared.instruments.scales import Bands, band_for, max_scale_total, min_scale_total, options, scale_items
from shared.invariants import known

VERSION = "1.0"

GAD7_BANDS: Bands = ((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe"))
GAD7_CUTOFF = 10
GAD2_CUTOFF = 3

# Same wording as the PHQ; the GAD-7 answer LOINC codes are not in the clinical reference,
# so they are left out rather than assumed.
FREQUENCY = options(("Not at all", "Several days", "More than half the days", "Nearly every day"))

GAD7_TEXTS = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)

GAD7_ITEMS = scale_items(GAD7_TEXTS, FREQUENCY, loincs=LOINC_CODES["gad7"].items)


def score_gad7(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    total = sum(answers)
    return result_for(
        instrument,
        total=total,
        severity=band_for(total, GAD7_BANDS),
        positive=total >= cutoff,
        details={"cutoff": cutoff},
    )


def score_gad2(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    total = sum(answers)
    return result_for(instrument, total=total, severity=None, positive=total >= cutoff, details={"cutoff": cutoff})


GAD7 = Instrument(
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    code="gad7",
    name="GAD-7",
    version=VERSION,
    description="Generalized Anxiety Disorder, 7 items: anxiety severity over the last 2 weeks.",
    items=GAD7_ITEMS,
    loinc_panel=LOINC_CODES["gad7"].panel,
    loinc_total=LOINC_CODES["gad7"].total,
    extra_fields=(),
    min_total=min_scale_total(GAD7_ITEMS),
    max_total=max_scale_total(GAD7_ITEMS),
    scorer=score_gad7,
    default_cutoff=GAD7_CUTOFF,
)

GAD2 = Instrument(
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    code="gad2",
    name="GAD-2",
    version=VERSION,
    description="Generalized Anxiety Disorder, items 1–2 of the GAD-7: an anxiety screen over the last 2 weeks.",
    items=GAD7_ITEMS[:2],
    loinc_panel=LOINC_CODES["gad2"].panel,
    loinc_total=LOINC_CODES["gad2"].total,
    extra_fields=(),
    min_total=min_scale_total(GAD7_ITEMS[:2]),
    max_total=max_scale_total(GAD7_ITEMS[:2]),
    scorer=score_gad2,
    default_cutoff=GAD2_CUTOFF,
)
