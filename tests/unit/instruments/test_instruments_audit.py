"""AUDIT zones, Q9/Q10 answer values, escalation and WHO skip logic; AUDIT-C cut-off by sex at birth."""

from __future__ import annotations

import pytest

from shared.instruments import get_instrument

AUDIT = get_instrument("audit")
AUDITC = get_instrument("auditc")

AUDIT_EDGES = [
    (0, "low_risk"), (7, "low_risk"), (8, "hazardous"), (15, "hazardous"), (16, "harmful"), (19, "harmful"),
    (20, "possible_dependence"), (40, "possible_dependence"),
]  # fmt: skip


def audit_answers(**by_question: int) -> list[int]:
    """All zero except the named questions, e.g. audit_answers(q4=2)."""
    answers = [0] * 10
    for name, value in by_question.items():
        answers[int(name[1:]) - 1] = value
    return answers


def drinker_answers(**by_question: int) -> list[int]:
    """Like audit_answers, but questions 1 and 2 at 1 so that no WHO skip applies."""
    return audit_answers(**{"q1": 1, "q2": 1, **by_question})


@pytest.mark.parametrize(("total", "zone"), AUDIT_EDGES)
def test_audit_zone_edges(totalling, total, zone):
    result = AUDIT.score(totalling(AUDIT, total))
    assert result.total == total
    assert result.severity == zone
    assert result.positive is (total >= 8)


@pytest.mark.parametrize("question", [9, 10])
@pytest.mark.parametrize("bad", [1, 3, 5])
def test_audit_questions_nine_and_ten_only_take_0_2_or_4(errors, question, bad):
    answers = audit_answers(**{f"q{question}": bad})
    assert list(errors(AUDIT, answers)) == [f"answers.{question}"]


@pytest.mark.parametrize("question", [9, 10])
@pytest.mark.parametrize("good", [0, 2, 4])
def test_audit_questions_nine_and_ten_accept_0_2_4(question, good):
    assert AUDIT.score(audit_answers(**{f"q{question}": good})).total == good


@pytest.mark.parametrize(
    "raised",
    [{"q4": 2}, {"q5": 2}, {"q6": 2}, {"q6": 4}, {"q9": 4}, {"q10": 4}],
)
def test_audit_escalation_triggers(raised):
    # A drinker: with question 1 never, questions 4–6 would be skipped and could not be raised.
    result = AUDIT.score(drinker_answers(**raised))
    assert result.details["escalate"] is True
    assert "audit_escalation" in result.flags
    assert result.severity == "low_risk"  # escalation does not depend on the zone


@pytest.mark.parametrize(
    "below",
    [{"q4": 1, "q5": 1, "q6": 1, "q9": 2, "q10": 2}, {"q1": 4, "q2": 4, "q3": 4, "q7": 4, "q8": 4}],
)
def test_audit_no_escalation_below_the_thresholds(below):
    result = AUDIT.score(drinker_answers(**below))
    assert result.details["escalate"] is False
    assert result.flags == ()


def test_auditc_is_audit_questions_one_to_three():
    assert AUDITC.items == AUDIT.items[:3]


@pytest.mark.parametrize(
    ("sex", "total", "positive", "cutoff"),
    [
        ("male", 3, False, 4),
        ("male", 4, True, 4),
        ("female", 2, False, 3),
        ("female", 3, True, 3),
        ("other", 3, True, 3),
        ("unknown", 3, True, 3),
        (None, 3, True, 3),
        (None, 2, False, 3),
    ],
)
def test_auditc_cutoff_depends_on_sex_at_birth(totalling, sex, total, positive, cutoff):
    extras = {} if sex is None else {"sex_at_birth": sex}
    result = AUDITC.score(totalling(AUDITC, total), extras)
    assert result.total == total
    assert result.positive is positive
    assert result.details["cutoff"] == cutoff
    assert result.details["sex_at_birth"] == sex


@pytest.mark.parametrize("bad", ["M", "Male", 1, True])
def test_auditc_rejects_unknown_sex_values(errors, bad):
    assert list(errors(AUDITC, [1, 1, 1], {"sex_at_birth": bad})) == ["sex_at_birth"]


# WHO interview version skip logic -------------------------------------------------------------

NEVER_DRINKS = [0, None, None, None, None, None, None, None, 2, 4]
Q2_Q3_ZERO = [1, 0, 0, None, None, None, None, None, 0, 2]


def test_audit_q1_never_skips_to_questions_9_and_10():
    result = AUDIT.score(NEVER_DRINKS)
    assert result.total == 6  # the skipped questions score 0
    assert result.details["skipped"] == [2, 3, 4, 5, 6, 7, 8]
    assert result.details["skip_reason"] == "q1_never"


def test_audit_q2_and_q3_both_zero_skip_questions_4_to_8():
    result = AUDIT.score(Q2_Q3_ZERO)
    assert result.total == 3
    assert result.details["skipped"] == [4, 5, 6, 7, 8]
    assert result.details["skip_reason"] == "q2_q3_zero"


@pytest.mark.parametrize("answers", [drinker_answers(), audit_answers(q1=1, q3=1), audit_answers(q1=4, q2=4, q3=4)])
def test_audit_nothing_skipped_when_no_rule_applies(answers):
    result = AUDIT.score(answers)
    assert result.details["skipped"] == []
    assert result.details["skip_reason"] is None


@pytest.mark.parametrize(
    ("answers", "skipped"), [(audit_answers(), [2, 3, 4, 5, 6, 7, 8]), (audit_answers(q1=2), [4, 5, 6, 7, 8])]
)
def test_audit_zero_given_to_a_skipped_question_is_accepted_and_still_recorded_as_skipped(answers, skipped):
    # A 0 agrees with what the skip records (score 0), e.g. a paper form with "Never" ticked throughout.
    result = AUDIT.score(answers)
    assert result.details["skipped"] == skipped


@pytest.mark.parametrize("question", [2, 3, 4, 5, 6, 7, 8])
def test_audit_answer_above_0_to_a_question_skipped_by_q1_never_is_refused(errors, question):
    answers = list(NEVER_DRINKS)
    answers[question - 1] = 1
    found = errors(AUDIT, answers)
    assert list(found) == [f"answers.{question}"]
    assert found[f"answers.{question}"] == [
        f"Question {question} is skipped because question 1 was answered never; leave it empty or answer 0."
    ]


@pytest.mark.parametrize("question", [4, 5, 6, 7, 8])
def test_audit_answer_above_0_to_a_question_skipped_by_q2_q3_zero_is_refused(errors, question):
    answers = list(Q2_Q3_ZERO)
    answers[question - 1] = 2
    found = errors(AUDIT, answers)
    assert list(found) == [f"answers.{question}"]
    assert found[f"answers.{question}"] == [
        f"Question {question} is skipped because questions 2 and 3 both scored 0; leave it empty or answer 0."
    ]


def test_audit_questions_4_to_8_required_when_q2_or_q3_is_above_0(errors):
    answers = [1, 1, 0, None, None, None, None, None, 0, 0]
    assert list(errors(AUDIT, answers)) == ["answers.4", "answers.5", "answers.6", "answers.7", "answers.8"]


def test_audit_questions_2_and_3_required_when_q1_is_above_0(errors):
    # Whether 4–8 apply depends on 2 and 3, so only the missing questions themselves are named.
    assert list(errors(AUDIT, [1, None, None, None, None, None, None, None, 0, 0])) == ["answers.2", "answers.3"]


def test_audit_q3_above_0_decides_even_when_q2_is_missing(errors):
    answers = [1, None, 1, None, None, None, None, None, 0, 0]
    assert list(errors(AUDIT, answers)) == [
        "answers.2",
        "answers.4",
        "answers.5",
        "answers.6",
        "answers.7",
        "answers.8",
    ]


@pytest.mark.parametrize("bad_q1", [None, 7, True, "0"])
def test_audit_missing_or_invalid_q1_is_reported_alone(errors, bad_q1):
    answers = [bad_q1, None, None, None, None, None, None, None, 0, 0]
    assert list(errors(AUDIT, answers)) == ["answers.1"]


def test_audit_q9_and_q10_are_never_skipped(errors):
    assert list(errors(AUDIT, [0, None, None, None, None, None, None, None, None, None])) == ["answers.9", "answers.10"]


# The AUDIT-C part of a full AUDIT, and why a cut-off is in force ------------------------------

CUTOFF_BASES = [
    ("male", 4, "male"),
    ("female", 3, "female"),
    ("other", 3, "other_or_unknown_lower_cutoff"),
    ("unknown", 3, "other_or_unknown_lower_cutoff"),
    (None, 3, "not_given_lower_cutoff"),
]


@pytest.mark.parametrize(("sex", "cutoff", "basis"), CUTOFF_BASES)
def test_auditc_records_why_its_cutoff_is_in_force(sex, cutoff, basis):
    extras = {} if sex is None else {"sex_at_birth": sex}
    details = AUDITC.score([1, 1, 1], extras).details
    assert (details["cutoff"], details["cutoff_basis"]) == (cutoff, basis)


def test_audit_declares_the_same_optional_sex_at_birth_field_as_auditc():
    # Intake fills sex_at_birth from the client record for any instrument that declares it.
    [field] = [field for field in AUDIT.extra_fields if field.name == "sex_at_birth"]
    assert field == next(field for field in AUDITC.extra_fields if field.name == "sex_at_birth")
    assert field.required == "never"


@pytest.mark.parametrize(("sex", "cutoff", "basis"), CUTOFF_BASES)
@pytest.mark.parametrize(("q1", "q2", "q3"), [(0, 0, 0), (1, 1, 0), (1, 1, 1), (2, 1, 1), (4, 4, 4)])
def test_audit_carries_its_auditc_part_scored_as_auditc_scores_it(sex, cutoff, basis, q1, q2, q3):
    extras = {} if sex is None else {"sex_at_birth": sex}
    result = AUDIT.score(audit_answers(q1=q1, q2=q2, q3=q3), extras)
    auditc = AUDITC.score([q1, q2, q3], extras)
    assert result.details["auditc"] == {
        "total": q1 + q2 + q3,
        "cutoff": cutoff,
        "positive": q1 + q2 + q3 >= cutoff,
        "cutoff_basis": basis,
        "sex_at_birth": sex,
    }
    assert result.details["auditc"] == {"total": auditc.total, "positive": auditc.positive, **auditc.details}


def test_audit_auditc_part_counts_skipped_questions_as_0():
    assert AUDIT.score(NEVER_DRINKS).details["auditc"]["total"] == 0


def test_audit_keeps_its_own_cutoff_beside_the_auditc_one():
    result = AUDIT.score(audit_answers(q1=2, q2=1, q9=4), {"sex_at_birth": "male"})
    assert (result.total, result.positive, result.details["cutoff"]) == (7, False, 8)
    assert (result.details["auditc"]["positive"], result.details["auditc"]["cutoff"]) == (False, 4)


@pytest.mark.parametrize("bad", ["M", "Male", 1, True])
def test_audit_rejects_unknown_sex_values(errors, bad):
    assert list(errors(AUDIT, audit_answers(), {"sex_at_birth": bad})) == ["sex_at_birth"]
