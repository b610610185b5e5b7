"""Stored codes in the words staff read on the pages."""

from __future__ import annotations

from typing import Any

from services.intake.entrypoints.ui.forms import labels
from shared.instruments import INSTRUMENTS

# Codes that mean one thing wherever they appear. A code whose meaning depends on its
# vocabulary ("none" is no reminders as a channel, but no risk as a C-SSRS level) is worded
# only through that vocabulary: word(code, "channel").
WORDS = {
    **labels.PROGRAM_LABELS,
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
    "interpersonal_inventory": "No interpersonal inventory",
    "high_risk_flag": "An open high risk flag",
    "urgent_risk_flag": "An open urgent risk flag",
}


VOCABULARIES: dict[str, dict[str, str]] = {
    "channel": labels.CHANNEL_LABELS,
    "sex_at_birth": labels.SEX_LABELS,
    "risk_level": {"none": "No risk identified", "low": "Low", "moderate": "Moderate", "high": "High"},
    "cutoff_basis": {
        "male": "the cut-off for men",
        "female": "the cut-off for women",
        "other_or_unknown_lower_cutoff": "sex at birth is other or unknown, so the lower, safer cut-off is used",
        "not_given_lower_cutoff": "sex at birth is not recorded, so the lower, safer cut-off is used",
    },
    "queue": {
        "open_risk_flag": "Open risk flag",
        "new_referral": "New referral",
        "screenings_due": "Screenings under way",
        "ready_for_consent": "Ready for consent",
        "ready_for_admission": "Ready for admission",
    },
    "skip_reason": {
        "q1_never": "question 1 was answered never",
        "q2_q3_zero": "questions 2 and 3 were both answered with the lowest option",
    },
}


def word(code: Any, vocabulary: str | None = None) -> str:
    """A stored code in words ('moderately_severe' -> 'Moderately severe'); instruments by name.

    `vocabulary` names the list the code comes from, for codes that read differently in each.
    """
    if code is None:
        return ""
    code = str(code)
    if vocabulary is not None and code in VOCABULARIES[vocabulary]:
        return VOCABULARIES[vocabulary][code]
    if code in WORDS:
        return WORDS[code]
    if code in INSTRUMENTS:
        return INSTRUMENTS[code].name
    return code.replace("_", " ").capitalize()
