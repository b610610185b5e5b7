"""MDQ (Mood Disorder Questionnaire, Hirschfeld et al.), short paraphrases: a bipolar-spectrum screen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES
from shared.instruments.model import ALWAYS, BOOLEAN, CHOICE, ExtraField, ScreeningResult
from shared.instruments.scales import yes_no_items
from shared.invariants import known

VERSION = "1.0"

MDQ_YES_NEEDED = 7
PROBLEM_LEVELS = ("none", "minor", "moderate", "serious")
IMPAIRING_LEVELS = ("moderate", "serious")

# Each completes: "Has there ever been a period of time when you were not your usual self and..."
MDQ_TEXTS = (
    "...you felt so good or so hyper that other people thought you were not your normal self, "
    "or you were so hyper that you got into trouble?",
    "...you were so irritable that you shouted at people or started fights or arguments?",
    "...you felt much more self-confident than usual?",
    "...you got much less sleep than usual and found you didn't really miss it?",
    "...you were much more talkative or spoke much faster than usual?",
    "...thoughts raced through your head or you couldn't slow your mind down?",
    "...you were so easily distracted by things around you that you had trouble concentrating or staying on track?",
    "...you had much more energy than usual?",
    "...you were much more active or did many more things than usual?",
    "...you were much more social or outgoing than usual, for example phoning friends in the middle of the night?",
    "...you were much more interested in sex than usual?",
    "...you did things that were unusual for you, or that other people might have thought excessive, foolish or risky?",
    "...spending money got you or your family into trouble?",
)

MDQ_ITEMS = yes_no_items(MDQ_TEXTS)

SAME_PERIOD = ExtraField(
    name="same_period",
    kind=BOOLEAN,
    required=ALWAYS,
    choices=(True, False),
    choice_labels=("Yes", "No"),
    label=(
        "If you answered yes to more than one of these, have several of them ever happened "
        "during the same period of time?"
    ),
)

PROBLEM_LEVEL = ExtraField(
    name="problem_level",
    kind=CHOICE,
    required=ALWAYS,
    choices=PROBLEM_LEVELS,
    choice_labels=("No problem", "Minor problem", "Moderate problem", "Serious problem"),
    label=(
        "How much of a problem did any of these cause you — like being unable to work; having family, "
        "money or legal troubles; getting into arguments or fights?"
    ),
)


def score_mdq(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    yes_count = sum(1 for answer in answers if answer is True)
    same_period = extras[SAME_PERIOD.name]
    problem_level = extras[PROBLEM_LEVEL.name]
    # All three parts must hold; enough symptoms alone is not a positive screen.
    positive = yes_count >= cutoff and same_period is True and problem_level in IMPAIRING_LEVELS
    return result_for(
        instrument,
        total=yes_count,
        severity=None,
        positive=positive,
        details={"yes_count": yes_count, "same_period": same_period, "problem_level": problem_level},
    )


MDQ = Instrument(
    stem="Has there ever been a period of time when you were not your usual self and…",
    code="mdq",
    name="MDQ",
    version=VERSION,
    description=(
        "Mood Disorder Questionnaire: 13 yes/no questions, whether they happened in the same period, and how "
        "much of a problem they caused. Positive only with 7 or more yes, same period, and a moderate or "
        "serious problem."
    ),
    items=MDQ_ITEMS,
    loinc_panel=LOINC_CODES["mdq"].panel,
    loinc_total=LOINC_CODES["mdq"].total,
    extra_fields=(SAME_PERIOD, PROBLEM_LEVEL),
    min_total=0,
    max_total=len(MDQ_ITEMS),
    scorer=score_mdq,
    default_cutoff=MDQ_YES_NEEDED,
)
