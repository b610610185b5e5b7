"""Risk that an incomplete form already shows.

An incomplete form gets no score (no pro-rating). But a risk answer in it must never be lost:
a client who answered only PHQ-9 item 9, or said yes to C-SSRS questions and left the rest
blank, may leave before anyone notices. These rules read the answers that were given — each
checked as strictly as in a full form — and return the part of a result they already
establish: the PHQ-9 item 9 value, or the C-SSRS risk level the yes answers set on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from shared.instruments import cssrs
from shared.instruments.instrument import Instrument
from shared.instruments.model import ScreeningResult
from shared.instruments.registry import get_instrument

PHQ9_SELF_HARM_ITEM = 9

PartialRule = Callable[[Instrument, Sequence[object], Mapping[str, object]], ScreeningResult | None]


def _answer(answers: Sequence[object], number: int) -> object:
    return answers[number - 1] if 0 < number <= len(answers) else None


def _phq9(instrument: Instrument, answers: Sequence[object], _extras: Mapping[str, object]) -> ScreeningResult | None:
    value = _answer(answers, PHQ9_SELF_HARM_ITEM)
    valid = {option.value for option in instrument.items[PHQ9_SELF_HARM_ITEM - 1].options}
    if type(value) is not int or value not in valid or value == 0:
        return None
    return _partial(instrument, flags=("suicidal_ideation",), details={"item9": value})


def _cssrs(instrument: Instrument, answers: Sequence[object], extras: Mapping[str, object]) -> ScreeningResult | None:
    # Only a real yes counts; blanks and anything malformed count as not said.
    given = tuple(_answer(answers, number) is True for number in range(1, len(instrument.items) + 1))
    recent = extras.get(cssrs.Q6_RECENT.name)
    if given[cssrs.BEHAVIOUR - 1] and recent is not False:
        # Behaviour not known to be older than 3 months is treated as recent: the safer reading.
        recent = True
    level = cssrs.risk_level(given, recent)
    if level not in cssrs.POSITIVE_RISK_LEVELS:
        return None
    return _partial(
        instrument,
        flags=cssrs.risk_flags(given),
        risk_level=level,
        details={"q6_recent": extras.get(cssrs.Q6_RECENT.name)},
    )


def _partial(
    instrument: Instrument, *, flags: tuple[str, ...], details: dict[str, object], risk_level: str | None = None
) -> ScreeningResult:
    return ScreeningResult(
        instrument=instrument.code,
        version=instrument.version,
        total=None,
        severity=risk_level,
        positive=False,
        flags=flags,
        risk_level=risk_level,
        details={**details, "incomplete": True},
    )


# Instruments whose answers can signal suicide risk on their own.
PARTIAL_RISK_RULES: dict[str, PartialRule] = {"phq9": _phq9, "cssrs_screen": _cssrs}


def risk_in_partial_answers(
    code: str, answers: Sequence[object], extras: Mapping[str, object] | None = None
) -> ScreeningResult | None:
    """What the given answers of an unscorable form already establish about risk, or None."""
    rule = PARTIAL_RISK_RULES.get(code)
    if rule is None or not isinstance(answers, (list, tuple)):
        return None
    return rule(get_instrument(code), answers, extras or {})
