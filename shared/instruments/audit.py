"""AUDIT and AUDIT-C (WHO Alcohol Use Disorders Identification Test; free to use).

The AUDIT follows the WHO interview version's skip logic: question 1 "Never" goes straight to
questions 9 and 10, and questions 2 and 3 both at 0 skip questions 4–8. Skipped questions score 0
and the result lists them, so a form can show them as skipped rather than unanswered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.instruments.instrument import Instrument, result_for
from shared.instruments.loinc import LOINC_CODES
from shared.instruments.model import CHOICE, NEVER, SCALE, Applicability, ExtraField, Item, ScreeningResult
from shared.instruments.scales import Bands, band_for, max_scale_total, min_scale_total, options
from shared.invariants import known

VERSION = "1.1"  # 1.1: WHO skip logic; AUDIT-C part and cut-off basis in details

AUDIT_ZONES: Bands = ((0, 7, "low_risk"), (8, 15, "hazardous"), (16, 19, "harmful"), (20, 40, "possible_dependence"))
AUDIT_CUTOFF = 8
# Escalate the intervention one level when any of these items reaches its threshold.
ESCALATION_AT_LEAST = {4: 2, 5: 2, 6: 2, 9: 4, 10: 4}

AUDITC_CUTOFF_MALE = 4
# Women, and anyone whose sex at birth is other, unknown or not given: the lower, safer cut-off.
AUDITC_CUTOFF_OTHERWISE = 3
SEX_AT_BIRTH_CHOICES = ("male", "female", "other", "unknown")
AUDITC_ITEM_COUNT = 3  # AUDIT-C is AUDIT questions 1–3

# Why the AUDIT-C cut-off in force was chosen (details["cutoff_basis"]); stable values, worded by the UI.
CUTOFF_BASIS_MALE = "male"
CUTOFF_BASIS_FEMALE = "female"
CUTOFF_BASIS_OTHER_OR_UNKNOWN = "other_or_unknown_lower_cutoff"
CUTOFF_BASIS_NOT_GIVEN = "not_given_lower_cutoff"

# WHO interview version skip logic (details["skip_reason"]): reason -> (questions skipped, why in words).
FREQUENCY, TYPICAL_QUANTITY, HEAVY_EPISODES = 1, 2, 3
SKIP_Q1_NEVER = "q1_never"
SKIP_Q2_Q3_ZERO = "q2_q3_zero"
SKIPS: dict[str, tuple[tuple[int, ...], str]] = {
    SKIP_Q1_NEVER: (tuple(range(2, 9)), "question 1 was answered never"),
    SKIP_Q2_Q3_ZERO: (tuple(range(4, 9)), "questions 2 and 3 both scored 0"),
}

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


def _valid_score(answers: Sequence[object], number: int) -> int | None:
    """The answer to an AUDIT question when it is one of its allowed scores, else None."""
    raw = answers[number - 1] if number <= len(answers) else None
    # bool is a subclass of int; True must not pass as 1.
    if isinstance(raw, int) and not isinstance(raw, bool) and raw in AUDIT_ITEMS[number - 1].allowed_values:
        return raw
    return None


def skip_reason(answers: Sequence[object]) -> str | None:
    """Which WHO skip applies (SKIP_Q1_NEVER or SKIP_Q2_Q3_ZERO), or None when none does (yet)."""
    frequency = _valid_score(answers, FREQUENCY)
    if frequency == 0:
        return SKIP_Q1_NEVER
    if frequency is not None and _valid_score(answers, TYPICAL_QUANTITY) == _valid_score(answers, HEAVY_EPISODES) == 0:
        return SKIP_Q2_Q3_ZERO
    return None


def skip_rule(answers: Sequence[object]) -> dict[int, Applicability]:
    """WHO interview version: skipped questions are not asked and score 0.

    A skipped question may be left empty or given 0 (it agrees with what the skip records, as on a
    paper form with "Never" ticked throughout); either way the result lists it as skipped. An answer
    above 0 is refused, naming the question, rather than ignored: it contradicts question 1 (or 2
    and 3), and dropping it silently could hide drinking the client did report. Staff correct one
    answer or the other.
    """
    reason = skip_reason(answers)
    if reason is not None:
        numbers, because = SKIPS[reason]
        return {number: Applicability(required=False, skipped_because=because) for number in numbers}
    # The questions that decide a skip are themselves missing or invalid: report those, not a
    # cascade of guesses. One of questions 2 and 3 above 0 already rules the second skip out.
    if _valid_score(answers, FREQUENCY) is None:
        undecided = SKIPS[SKIP_Q1_NEVER][0]
    elif not any(_valid_score(answers, number) for number in (TYPICAL_QUANTITY, HEAVY_EPISODES)):
        undecided = SKIPS[SKIP_Q2_Q3_ZERO][0]
    else:
        undecided = ()
    return {number: Applicability(required=False) for number in undecided}


def skipped_questions(answers: Sequence[object]) -> list[int]:
    reason = skip_reason(answers)
    return list(SKIPS[reason][0]) if reason is not None else []


def auditc_cutoff(sex_at_birth: object) -> int:
    return AUDITC_CUTOFF_MALE if sex_at_birth == "male" else AUDITC_CUTOFF_OTHERWISE


def auditc_cutoff_basis(sex_at_birth: object) -> str:
    """Why auditc_cutoff chose its cut-off: the sex at birth, or which lower, safer default applies."""
    if sex_at_birth == "male":
        return CUTOFF_BASIS_MALE
    if sex_at_birth == "female":
        return CUTOFF_BASIS_FEMALE
    if sex_at_birth is None:
        return CUTOFF_BASIS_NOT_GIVEN
    return CUTOFF_BASIS_OTHER_OR_UNKNOWN


@dataclass(frozen=True)
class AuditcScore:
    """AUDIT-C scored from questions 1–3: the AUDIT-C result and the AUDIT's AUDIT-C part alike."""

    total: int
    cutoff: int
    cutoff_basis: str
    sex_at_birth: object

    @classmethod
    def of(cls, answers: Sequence[Any], sex_at_birth: object) -> AuditcScore:
        return cls(
            total=sum(answers[:AUDITC_ITEM_COUNT]),
            cutoff=auditc_cutoff(sex_at_birth),
            cutoff_basis=auditc_cutoff_basis(sex_at_birth),
            sex_at_birth=sex_at_birth,
        )

    @property
    def positive(self) -> bool:
        return self.total >= self.cutoff

    def details(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff, "sex_at_birth": self.sex_at_birth, "cutoff_basis": self.cutoff_basis}


def score_audit(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    cutoff = known(cutoff, "the cut-off")
    total = sum(answers)  # skipped questions hold 0
    escalate = needs_escalation(answers)  # independent of the total: a low zone can still escalate
    auditc = AuditcScore.of(answers, extras.get(SEX_AT_BIRTH.name))
    return result_for(
        instrument,
        total=total,
        severity=band_for(total, AUDIT_ZONES),
        positive=total >= cutoff,
        flags=("audit_escalation",) if escalate else (),
        details={
            "escalate": escalate,
            "cutoff": cutoff,
            # Validated answers keep questions 1–3 as given, so the skip is decided as it was in validation.
            "skipped": skipped_questions(answers),
            "skip_reason": skip_reason(answers),
            "auditc": {"total": auditc.total, "positive": auditc.positive, **auditc.details()},
        },
    )


def score_auditc(
    instrument: Instrument, answers: tuple[Any, ...], extras: Mapping[str, object], cutoff: int | None
) -> ScreeningResult:
    auditc = AuditcScore.of(answers, extras[SEX_AT_BIRTH.name])
    return result_for(
        instrument,
        total=auditc.total,
        severity=None,
        positive=auditc.positive,
        details=auditc.details(),
    )


AUDIT = Instrument(
    stem="Now I am going to ask you some questions about your use of alcoholic beverages during this past year.",
    code="audit",
    name="AUDIT",
    version=VERSION,
    description="Alcohol Use Disorders Identification Test, 10 items: risk zones for alcohol use.",
    items=AUDIT_ITEMS,
    loinc_panel=LOINC_CODES["audit"].panel,
    loinc_total=LOINC_CODES["audit"].total,
    extra_fields=(SEX_AT_BIRTH,),  # optional; sets the cut-off of the AUDIT-C part in details["auditc"]
    min_total=min_scale_total(AUDIT_ITEMS),
    max_total=max_scale_total(AUDIT_ITEMS),
    scorer=score_audit,
    default_cutoff=AUDIT_CUTOFF,
    skip_rule=skip_rule,
)

AUDITC = Instrument(
    stem="Now I am going to ask you some questions about your use of alcoholic beverages during this past year.",
    code="auditc",
    name="AUDIT-C",
    version=VERSION,
    description="AUDIT consumption questions 1–3; the cut-off depends on sex at birth (4 male, otherwise 3).",
    items=AUDIT_ITEMS[:AUDITC_ITEM_COUNT],
    loinc_panel=LOINC_CODES["auditc"].panel,
    loinc_total=LOINC_CODES["auditc"].total,
    extra_fields=(SEX_AT_BIRTH,),
    min_total=min_scale_total(AUDIT_ITEMS[:AUDITC_ITEM_COUNT]),
    max_total=max_scale_total(AUDIT_ITEMS[:AUDITC_ITEM_COUNT]),
    scorer=score_auditc,
    default_cutoff=None,  # chosen per result from sex at birth; stored in details["cutoff"]
)
