"""AUDIT zones, Q9/Q10 answer values and escalation; AUDIT-C cut-off by sex at birth."""

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
    result = AUDIT.score(audit_answers(**raised))
    assert result.details["escalate"] is True
    assert "audit_escalation" in result.flags
    assert result.severity == "low_risk"  # escalation does not depend on the zone


@pytest.mark.parametrize(
    "below",
    [{"q4": 1, "q5": 1, "q6": 1, "q9": 2, "q10": 2}, {"q1": 4, "q2": 4, "q3": 4, "q7": 4, "q8": 4}],
)
def test_audit_no_escalation_below_the_thresholds(below):
    result = AUDIT.score(audit_answers(**below))
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
