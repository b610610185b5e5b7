"""PHQ-9 and PHQ-2 (Kroenke, Spitzer & Williams; public domain): depression over the last 2 weeks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES, PHQ9_DIFFICULTY, PHQ_FREQUENCY_ANSWERS
from shared.instruments.model import NEVER, SCALE, ExtraField, ScreeningResult
from shared.instruments.scales import Bands, band_for, max_scale_total, min_scale_total, options, scale_items
from shared.invariants import known

VERSION = "1.0"

PHQ9_BANDS: Bands = (
    (0, 4, "minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately_severe"),
    (20, 27, "severe"),
)
PHQ9_CUTOFF = 10
PHQ2_DEFAULT_CUTOFF = 3  # a setting: 2 is also used (more sensitive, less specific)
SELF_HARM_ITEM = 9

FREQUENCY = options(
    ("Not at all", "Several days", "More than half the days", "Nearly every day"),
    loinc_answers=PHQ_FREQUENCY_ANSWERS,
)

PHQ9_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

PHQ9_ITEMS = scale_items(PHQ9_TEXTS, FREQUENCY, loincs=LOINC_CODES["phq9"].items, critical=(SELF_HARM_ITEM,))

DIFFICULTY = ExtraField(
    name="difficulty",
    kind=SCALE,
    required=NEVER,
    choices=(0, 1, 2, 3),
    choice_labels=("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"),
    label=(
        "If you checked off any problems, how difficult have these problems made it for you to do "
        "your work, take care of things at home, or get along with other people?"
    ),
    loinc=PHQ9_DIFFICULTY,
)


def score_phq9(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    total = sum(answers)  # item 10 (difficulty) is an extra field, so it can never be added
    self_harm = answers[SELF_HARM_ITEM - 1]
    # Any answer above 0 starts the risk workflow the same day, whatever the total.
    flags = ("suicidal_ideation",) if self_harm > 0 else ()
    return result_for(
        instrument,
        total=total,
        severity=band_for(total, PHQ9_BANDS),
        positive=total >= cutoff,
        flags=flags,
        details={"item9": self_harm, "difficulty": extras["difficulty"], "cutoff": cutoff},
    )


def score_phq2(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    total = sum(answers)
    return result_for(instrument, total=total, severity=None, positive=total >= cutoff, details={"cutoff": cutoff})


PHQ9 = Instrument(
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    code="phq9",
    name="PHQ-9",
    version=VERSION,
    description="Patient Health Questionnaire, 9 items: depression severity over the last 2 weeks.",
    items=PHQ9_ITEMS,
    loinc_panel=LOINC_CODES["phq9"].panel,
    loinc_total=LOINC_CODES["phq9"].total,
    extra_fields=(DIFFICULTY,),
    min_total=min_scale_total(PHQ9_ITEMS),
    max_total=max_scale_total(PHQ9_ITEMS),
    scorer=score_phq9,
    default_cutoff=PHQ9_CUTOFF,
)

PHQ2 = Instrument(
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    code="phq2",
    name="PHQ-2",
    version=VERSION,
    description="Patient Health Questionnaire, items 1–2 of the PHQ-9: a depression screen over the last 2 weeks.",
    items=PHQ9_ITEMS[:2],
    loinc_panel=LOINC_CODES["phq2"].panel,
    loinc_total=LOINC_CODES["phq2"].total,
    extra_fields=(),
    min_total=min_scale_total(PHQ9_ITEMS[:2]),
    max_total=max_scale_total(PHQ9_ITEMS[:2]),
    scorer=score_phq2,
    default_cutoff=PHQ2_DEFAULT_CUTOFF,
    cutoff_adjustable=True,
)
