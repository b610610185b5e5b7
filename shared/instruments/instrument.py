"""An instrument: its items as data plus the function that scores validated answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.instruments.model import ExtraField, Item, ScreeningResult
from shared.instruments.validation import ExtrasRule, SkipRule, validate_submission

# Called only with answers that passed validation: every value has the right type and range,
# and skipped items hold their 'no' value. The last argument is the cut-off in force.
Scorer = Callable[["Instrument", tuple[Any, ...], Mapping[str, object], "int | None"], ScreeningResult]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str  # of this encoding (wording, codes, rules); returned with every result
    description: str
    items: tuple[Item, ...]
    loinc_panel: str | None
    loinc_total: str | None
    extra_fields: tuple[ExtraField, ...]
    min_total: int | None
    max_total: int | None
    scorer: Scorer = field(repr=False, compare=False)
    default_cutoff: int | None = None  # total at or above which the screen is positive
    cutoff_adjustable: bool = False  # only where published sources disagree (a setting)
    skip_rule: SkipRule | None = field(default=None, repr=False, compare=False)
    extras_rule: ExtrasRule | None = field(default=None, repr=False, compare=False)
    # What staff read out before the first question (the items continue this sentence).
    stem: str | None = None

    def score(
        self,
        answers: Sequence[object],
        extras: Mapping[str, object] | None = None,
        cutoffs: Mapping[str, int] | None = None,
    ) -> ScreeningResult:
        """Score raw answers in published item order; raise InvalidAnswers naming every bad one.

        `cutoffs` maps instrument codes to cut-offs (one settings map can serve every
        instrument, so codes of other instruments are ignored).
        """
        cutoff = self.cutoff_in_force(cutoffs)
        values, clean_extras = validate_submission(self, answers, extras)
        return self.scorer(self, values, clean_extras, cutoff)

    def cutoff_in_force(self, cutoffs: Mapping[str, int] | None) -> int | None:
        if not cutoffs or self.code not in cutoffs:
            return self.default_cutoff
        if not self.cutoff_adjustable:
            raise ValueError(f"The {self.name} cut-off is not a setting; it cannot be overridden.")
        return self._checked_cutoff(cutoffs[self.code])

    def _checked_cutoff(self, value: object) -> int:
        # A cut-off every form meets (or none can) is a configuration mistake, not a screen.
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"The {self.name} cut-off must be a whole number, got {value!r}.")
        if self.min_total is None or self.max_total is None:
            raise ValueError(f"The {self.name} has no total, so no cut-off.")
        if not self.min_total < value <= self.max_total:
            raise ValueError(f"The {self.name} cut-off must be above {self.min_total} and at most {self.max_total}.")
        return value


def result_for(
    instrument: Instrument,
    *,
    total: int | None,
    severity: str | None,
    positive: bool,
    flags: Sequence[str] = (),
    risk_level: str | None = None,
    details: dict[str, Any] | None = None,
) -> ScreeningResult:
    """A result stamped with the instrument's code and version."""
    return ScreeningResult(
        instrument=instrument.code,
        version=instrument.version,
        total=total,
        severity=severity,
        positive=positive,
        flags=tuple(flags),
        risk_level=risk_level,
        details=dict(details or {}),
    )
