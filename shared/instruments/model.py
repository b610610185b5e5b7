"""The plain data shapes of a screening instrument and of its result.

Everything here is immutable data; the scoring rules live beside each instrument's items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.errors import Invalid

# Item kinds. An answer's Python type must match exactly: a bool is never a scale value.
SCALE = "scale"
BOOLEAN = "boolean"

# Extra-field kinds and requirement words; anything else in `required` is a rule in words
# that the instrument enforces itself (for example "when question 6 is yes").
CHOICE = "choice"
ALWAYS = "always"
NEVER = "never"


@dataclass(frozen=True)
class AnswerOption:
    value: int | bool
    label: str
    loinc_answer: str | None = None


@dataclass(frozen=True)
class Item:
    number: int  # 1-based, in the published order
    text: str
    kind: str  # SCALE or BOOLEAN
    options: tuple[AnswerOption, ...]
    loinc: str | None = None
    critical: bool = False  # a non-zero / yes answer needs a clinician's attention whatever the total
    reversed: bool = False  # boolean item that scores 1 for NO

    @property
    def allowed_values(self) -> tuple[int | bool, ...]:
        return tuple(option.value for option in self.options)

    @property
    def no_value(self) -> int | bool:
        """The answer that adds nothing: 'no' for yes/no items, the lowest point of a scale."""
        return False if self.kind == BOOLEAN else min(self.allowed_values)


@dataclass(frozen=True)
class ExtraField:
    """An answer that is part of the form but not an item of the total (e.g. PHQ-9 item 10)."""

    name: str
    kind: str  # SCALE, BOOLEAN or CHOICE
    required: str  # ALWAYS, NEVER, or a short rule in words that the instrument enforces
    choices: tuple[object, ...]
    label: str
    choice_labels: tuple[str, ...] = ()  # parallel to choices, for forms
    loinc: str | None = None

    def __post_init__(self) -> None:
        if self.choice_labels and len(self.choice_labels) != len(self.choices):
            raise ValueError(f"extra field {self.name}: one label per choice")


@dataclass(frozen=True)
class Applicability:
    """How skip logic treats one item for a given set of answers.

    skipped_because set: the item was skipped; it may only be empty or the 'no' answer.
    required False without a reason: whether the item applies cannot be decided yet (the
    question that decides it is itself invalid), so only its type is checked.
    """

    required: bool
    skipped_because: str | None = None


@dataclass(frozen=True)
class ScreeningResult:
    instrument: str
    version: str
    total: int | None
    severity: str | None
    positive: bool
    flags: tuple[str, ...] = ()
    risk_level: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class InvalidAnswers(Invalid):
    """The answers cannot be scored. `errors` names every bad item or extra field."""

    summary = "The answers are incomplete or out of range; nothing was scored."

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__({key: list(messages) for key, messages in errors.items()})
