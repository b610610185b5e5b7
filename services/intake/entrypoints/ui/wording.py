"""Stored codes, dates and times in the words staff read on the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.intake.entrypoints.ui.forms import labels
from shared.instruments import INSTRUMENTS


def fmt_dt(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%d %b %Y, %H:%M UTC").lstrip("0")


def fmt_date(day: date | None) -> str:
    return "" if day is None else day.strftime("%d %b %Y").lstrip("0")


WORDS = {
    **labels.PROGRAM_LABELS,
    **labels.CHANNEL_LABELS,
    **labels.AREA_LABELS,
    **labels.STAGE_LABELS,
    **labels.TRACK_LABELS,
    "moderately_severe": "Moderately severe",
    "low_risk": "Low risk",
    "possible_dependence": "Possible dependence",
    "suicidal_ideation": "Suicidal ideation",
    "suicidal_behavior": "Suicidal behaviour",
    "phq9_item9": "PHQ-9 question 9 (thoughts of self-harm)",
    "cssrs": "C-SSRS screener",
    "manual": "Raised by staff",
    "referred": "Referred",
    "admitted": "Admitted",
    "treatment": "Treatment",
    "part2_disclosure": "42 CFR Part 2 disclosure",
    "open_risk_flag": "Open risk flag",
    "screenings_due": "Screenings due",
    "new_referral": "New referral",
}


def word(code: Any) -> str:
    """A stored code in words ('moderately_severe' -> 'Moderately severe'); instruments by name."""
    if code is None:
        return ""
    code = str(code)
    if code in WORDS:
        return WORDS[code]
    if code in INSTRUMENTS:
        return INSTRUMENTS[code].name
    return code.replace("_", " ").capitalize()
