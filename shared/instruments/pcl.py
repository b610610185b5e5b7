"""PCL-5 (National Center for PTSD; public domain): PTSD symptoms over the past month."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES
from shared.instruments.model import ScreeningResult
from shared.instruments.scales import max_scale_total, min_scale_total, options, scale_items
from shared.invariants import known

VERSION = "1.0"

PCL5_DEFAULT_CUTOFF = 33  # a setting: published cut-offs range from 31 to 33
# DSM-5 symptom clusters (item numbers) and how many items of each must count (method 2).
PCL5_CLUSTERS: Mapping[str, range] = MappingProxyType(
    {"B": range(1, 6), "C": range(6, 8), "D": range(8, 15), "E": range(15, 21)}
)
DSM5_ITEMS_NEEDED: Mapping[str, int] = MappingProxyType({"B": 1, "C": 1, "D": 2, "E": 2})
SYMPTOM_COUNTS_AT = 2  # "moderately" or above

BOTHERED = options(("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"))

PCL5_TEXTS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again "
    "(as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, having "
    "thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, "
    "the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
    "loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    "Being “superalert” or watchful or on guard?",
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

# No item LOINC codes: the reference marks the PCL-5 codes unverified.
PCL5_ITEMS = scale_items(PCL5_TEXTS, BOTHERED)


def cluster_severities(answers: tuple[Any, ...]) -> dict[str, int]:
    return {name: sum(answers[number - 1] for number in numbers) for name, numbers in PCL5_CLUSTERS.items()}


def meets_dsm5_rule(answers: tuple[Any, ...]) -> bool:
    return all(
        sum(1 for number in numbers if answers[number - 1] >= SYMPTOM_COUNTS_AT) >= DSM5_ITEMS_NEEDED[name]
        for name, numbers in PCL5_CLUSTERS.items()
    )


def score_pcl5(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    total = sum(answers)
    provisional = total >= cutoff
    return result_for(
        instrument,
        total=total,
        severity=None,  # there are no official severity bands
        positive=provisional,
        flags=("provisional_ptsd",) if provisional else (),
        details={
            "clusters": cluster_severities(answers),
            "dsm5_criteria_met": meets_dsm5_rule(answers),
            "cutoff": cutoff,
        },
    )


PCL5 = Instrument(
    stem=(
        "Below is a list of problems that people sometimes have in response to a very stressful experience. "
        "In the past month, how much were you bothered by:"
    ),
    code="pcl5",
    name="PCL-5",
    version=VERSION,
    description="PTSD Checklist for DSM-5, 20 items about the past month; provisional PTSD at or above the cut-off.",
    items=PCL5_ITEMS,
    loinc_panel=LOINC_CODES["pcl5"].panel,
    loinc_total=LOINC_CODES["pcl5"].total,
    extra_fields=(),
    min_total=min_scale_total(PCL5_ITEMS),
    max_total=max_scale_total(PCL5_ITEMS),
    scorer=score_pcl5,
    default_cutoff=PCL5_DEFAULT_CUTOFF,
    cutoff_adjustable=True,
)
