"""C-SSRS screener (Columbia Suicide Severity Rating Scale, screen version), short paraphrases.

There is no total: the result is a risk level. High risk needs safety precautions until a
mental-health professional evaluates the person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES
from shared.instruments.model import BOOLEAN, Applicability, ExtraField, ScreeningResult
from shared.instruments.scales import yes_no_items

VERSION = "1.0"

WISH_DEAD, THOUGHTS, METHOD, INTENT, PLAN, BEHAVIOUR = range(1, 7)
DEPENDS_ON_THOUGHTS = (METHOD, INTENT, PLAN)  # asked only when question 2 is yes
RISK_LEVELS = ("none", "low", "moderate", "high")
POSITIVE_RISK_LEVELS = ("moderate", "high")

CSSRS_TEXTS = (
    "In the past month, have you wished you were dead or wished you could go to sleep and not wake up?",
    "In the past month, have you had any actual thoughts of killing yourself?",
    "Have you been thinking about how you might do this?",
    "Have you had these thoughts and had some intention of acting on them?",
    "Have you started to work out, or worked out, the details of how to kill yourself, "
    "and do you intend to carry out this plan?",
    "Have you ever done anything, started to do anything, or prepared to do anything to end your life?",
)

# Every yes here needs a clinician's attention, so all six are critical.
CSSRS_ITEMS = yes_no_items(CSSRS_TEXTS, critical=tuple(range(1, 7)))

Q6_RECENT = ExtraField(
    name="q6_recent",
    kind=BOOLEAN,
    required="when question 6 is yes",
    choices=(True, False),
    choice_labels=("Yes", "No"),
    label="Was the suicidal behaviour in question 6 within the past 3 months?",
)


def _answer(answers: Sequence[object], number: int) -> object:
    return answers[number - 1] if number <= len(answers) else None


def skip_rule(answers: Sequence[object]) -> dict[int, Applicability]:
    """If question 2 is no, the form goes straight to question 6."""
    thoughts = _answer(answers, THOUGHTS)
    if thoughts is True:
        return {}
    if thoughts is False:
        skipped = Applicability(required=False, skipped_because="question 2 was answered no")
        return {number: skipped for number in DEPENDS_ON_THOUGHTS}
    # Question 2 is itself missing or invalid: report that, not a cascade of guesses.
    return {number: Applicability(required=False) for number in DEPENDS_ON_THOUGHTS}


def timing_rule(answers: Sequence[object], extras: Mapping[str, object]) -> dict[str, list[str]]:
    """The timing of past behaviour decides between moderate and high risk, so it is required."""
    behaviour = _answer(answers, BEHAVIOUR)
    recent = extras.get(Q6_RECENT.name)
    if behaviour is True and recent is None:
        message = "Say whether the behaviour in question 6 was within the past 3 months (required when it is yes)."
        return {Q6_RECENT.name: [message]}
    if behaviour is False and recent is True:
        return {Q6_RECENT.name: ["Cannot be yes when question 6 was answered no."]}
    return {}


def risk_level(answers: tuple[Any, ...], recent: object) -> str:
    said_yes = {number for number, answer in enumerate(answers, start=1) if answer is True}
    behaviour = BEHAVIOUR in said_yes
    if said_yes & {INTENT, PLAN} or (behaviour and recent is True):
        return "high"
    if METHOD in said_yes or behaviour:
        return "moderate"
    if said_yes & {WISH_DEAD, THOUGHTS}:
        return "low"
    return "none"


def risk_flags(answers: tuple[Any, ...]) -> tuple[str, ...]:
    flags = []
    if any(answers[number - 1] is True for number in (WISH_DEAD, THOUGHTS, METHOD, INTENT, PLAN)):
        flags.append("suicidal_ideation")
    if answers[BEHAVIOUR - 1] is True:
        flags.append("suicidal_behavior")
    return tuple(flags)


def score_cssrs(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    recent = extras[Q6_RECENT.name]
    level = risk_level(answers, recent)
    return result_for(
        instrument,
        total=None,
        severity=level,
        positive=level in POSITIVE_RISK_LEVELS,
        flags=risk_flags(answers),
        risk_level=level,
        details={"q6_recent": recent},
    )


CSSRS_SCREEN = Instrument(
    stem="Ask questions 1 and 2. If the answer to question 2 is no, go to question 6.",
    code="cssrs_screen",
    name="C-SSRS screener",
    version=VERSION,
    description=(
        "Columbia Suicide Severity Rating Scale, screen version: 6 yes/no questions plus the timing of "
        "any suicidal behaviour. Questions 3–5 are asked only when question 2 is yes. No total; a risk level."
    ),
    items=CSSRS_ITEMS,
    loinc_panel=LOINC_CODES["cssrs_screen"].panel,
    loinc_total=LOINC_CODES["cssrs_screen"].total,
    extra_fields=(Q6_RECENT,),
    min_total=None,
    max_total=None,
    scorer=score_cssrs,
    skip_rule=skip_rule,
    extras_rule=timing_rule,
)
