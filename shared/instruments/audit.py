"""AUDIT and AUDIT-C (WHO Alcohol Use Disorders Identification Test; free to use)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES
from shared.instruments.model import CHOICE, NEVER, SCALE, ExtraField, Item, ScreeningResult
from shared.instruments.scales import Bands, band_for, max_scale_total, min_scale_total, options

VERSION = "1.0"

AUDIT_ZONES: Bands = ((0, 7, "low_risk"), (8, 15, "hazardous"), (16, 19, "harmful"), (20, 40, "possible_dependence"))
AUDIT_CUTOFF = 8
# Escalate the intervention one level when any of these items reaches its threshold.
ESCALATION_AT_LEAST = {4: 2, 5: 2, 6: 2, 9: 4, 10: 4}

AUDITC_CUTOFF_MALE = 4
# Women, and anyone whose sex at birth is other, unknown or not given: the lower, safer cut-off.
AUDITC_CUTOFF_OTHERWISE = 3
SEX_AT_BIRTH_CHOICES = ("male", "female", "other", "unknown")

HOW_OFTEN = options(("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily"))
# Questions 9 and 10 have three answers scored 0, 2 and 4; 1 and 3 do not exist.
NO_OR_WHEN = options(("No", "Yes, but not in the last year", "Yes, during the last year"), values=(0, 2, 4))

HOW_MANY_TIMES = options(
    ("Never", "Monthly or less", "2 to 4 times a month", "2 to 3 times a week", "4 or more times a week")
)
HOW_MANY_DRINKS = options(("1 or 2", "3 or 4", "5 or 6", "7, 8 or 9", "10 or more"))

# (text, answer options) in published order.
AUDIT_QUESTIONS = (
    ("How often do you have a drink containing alcohol?", HOW_MANY_TIMES),
    ("How many drinks containing alcohol do you have on a typical day when you are drinking?", HOW_MANY_DRINKS),
    ("How often do you have six or more drinks on one occasion?", HOW_OFTEN),
    (
        "How often during the last year have you found that you were not able to stop drinking once you had started?",
        HOW_OFTEN,
    ),
    (
        "How often during the last year have you failed to do what was normally expected from you because of drinking?",
        HOW_OFTEN,
    ),
    (
        "How often during the last year have you needed a first drink in the morning to get yourself going "
        "after a heavy drinking session?",
        HOW_OFTEN,
    ),
    ("How often during the last year have you had a feeling of guilt or remorse after drinking?", HOW_OFTEN),
    (
        "How often during the last year have you been unable to remember what happened the night before "
        "because you had been drinking?",
        HOW_OFTEN,
    ),
    ("Have you or someone else been injured as a result of your drinking?", NO_OR_WHEN),
    (
        "Has a relative or friend or a doctor or another health worker been concerned about your drinking "
        "or suggested you cut down?",
        NO_OR_WHEN,
    ),
)

AUDIT_ITEMS = tuple(
    Item(number=number, text=text, kind=SCALE, options=answer_options)
    for number, (text, answer_options) in enumerate(AUDIT_QUESTIONS, start=1)
)

SEX_AT_BIRTH = ExtraField(
    name="sex_at_birth",
    kind=CHOICE,
    required=NEVER,
    choices=SEX_AT_BIRTH_CHOICES,
    choice_labels=("Male", "Female", "Other", "Unknown"),
    label="Sex at birth (sets the AUDIT-C cut-off)",
)


def needs_escalation(answers: tuple[Any, ...]) -> bool:
    return any(answers[number - 1] >= threshold for number, threshold in ESCALATION_AT_LEAST.items())


def auditc_cutoff(sex_at_birth: object) -> int:
    return AUDITC_CUTOFF_MALE if sex_at_birth == "male" else AUDITC_CUTOFF_OTHERWISE


def score_audit(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    assert cutoff is not None
    total = sum(answers)
    escalate = needs_escalation(answers)  # independent of the total: a low zone can still escalate
    return result_for(
        instrument,
        total=total,
        severity=band_for(total, AUDIT_ZONES),
        positive=total >= cutoff,
        flags=("audit_escalation",) if escalate else (),
        details={"escalate": escalate, "cutoff": cutoff},
    )


def score_auditc(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    total = sum(answers)
    sex = extras["sex_at_birth"]
    used = auditc_cutoff(sex)
    return result_for(
        instrument,
        total=total,
        severity=None,
        positive=total >= used,
        details={"cutoff": used, "sex_at_birth": sex},
    )


AUDIT = Instrument(
    code="audit",
    name="AUDIT",
    version=VERSION,
    description="Alcohol Use Disorders Identification Test, 10 items: risk zones for alcohol use.",
    items=AUDIT_ITEMS,
    loinc_panel=LOINC_CODES["audit"].panel,
    loinc_total=LOINC_CODES["audit"].total,
    extra_fields=(),
    min_total=min_scale_total(AUDIT_ITEMS),
    max_total=max_scale_total(AUDIT_ITEMS),
    scorer=score_audit,
    default_cutoff=AUDIT_CUTOFF,
)

AUDITC = Instrument(
    code="auditc",
    name="AUDIT-C",
    version=VERSION,
    description="AUDIT consumption questions 1–3; the cut-off depends on sex at birth (4 male, otherwise 3).",
    items=AUDIT_ITEMS[:3],
    loinc_panel=LOINC_CODES["auditc"].panel,
    loinc_total=LOINC_CODES["auditc"].total,
    extra_fields=(SEX_AT_BIRTH,),
    min_total=min_scale_total(AUDIT_ITEMS[:3]),
    max_total=max_scale_total(AUDIT_ITEMS[:3]),
    scorer=score_auditc,
    default_cutoff=None,  # chosen per result from sex at birth; stored in details["cutoff"]
)
