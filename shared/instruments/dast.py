"""DAST-10 (Skinner 1982): drug use other than alcohol and tobacco, over the past 12 months."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES
from shared.instruments.model import Item, ScreeningResult
from shared.instruments.scales import Bands, band_for, yes_no_items
from shared.invariants import known

VERSION = "1.0"

DAST10_BANDS: Bands = ((0, 0, "none"), (1, 2, "low"), (3, 5, "moderate"), (6, 8, "substantial"), (9, 10, "severe"))
DAST10_CUTOFF = 3
ALWAYS_ABLE_TO_STOP = 3  # the one item where NO is the answer that scores

DAST10_TEXTS = (
    "Have you used drugs other than those required for medical reasons?",
    "Do you abuse more than one drug at a time?",
    "Are you always able to stop using drugs when you want to?",
    "Have you had “blackouts” or “flashbacks” as a result of drug use?",
    "Do you ever feel bad or guilty about your drug use?",
    "Does your spouse (or parents) ever complain about your involvement with drugs?",
    "Have you neglected your family because of your use of drugs?",
    "Have you engaged in illegal activities in order to obtain drugs?",
    "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
    "Have you had medical problems as a result of your drug use (for example memory loss, hepatitis, "
    "convulsions, bleeding)?",
)

DAST10_ITEMS = yes_no_items(DAST10_TEXTS, reversed_items=(ALWAYS_ABLE_TO_STOP,))


def item_points(item: Item, answer: bool) -> int:
    """1 for YES, except on a reversed item, where NO scores 1."""
    return int(answer != item.reversed)


def score_dast10(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    total = sum(item_points(item, answer) for item, answer in zip(instrument.items, answers, strict=True))
    return result_for(
        instrument,
        total=total,
        severity=band_for(total, DAST10_BANDS),
        positive=total >= cutoff,
        details={"cutoff": cutoff},
    )


DAST10 = Instrument(
    stem=(
        "These questions refer to the past 12 months, and to drug use other than alcohol and tobacco, "
        "and other than medicines taken as prescribed."
    ),
    code="dast10",
    name="DAST-10",
    version=VERSION,
    description=(
        "Drug Abuse Screening Test, 10 yes/no items about the past 12 months; "
        "drugs exclude alcohol and tobacco. Item 3 scores 1 for NO."
    ),
    items=DAST10_ITEMS,
    loinc_panel=LOINC_CODES["dast10"].panel,
    loinc_total=LOINC_CODES["dast10"].total,
    extra_fields=(),
    min_total=0,
    max_total=len(DAST10_ITEMS),
    scorer=score_dast10,
    default_cutoff=DAST10_CUTOFF,
)
