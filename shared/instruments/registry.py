"""Every instrument by code. The mapping is read-only: instruments are fixed at import."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from shared.instruments.audit import AUDIT, AUDITC
from shared.instruments.cssrs import CSSRS_SCREEN
from shared.instruments.dast import DAST10
from shared.instruments.gad import GAD2, GAD7
from shared.instruments.instrument import Instrument
from shared.instruments.mdq import MDQ
from shared.instruments.pcl import PCL5
from shared.instruments.phq import PHQ2, PHQ9

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {
        instrument.code: instrument
        for instrument in (PHQ9, PHQ2, GAD7, GAD2, AUDIT, AUDITC, DAST10, PCL5, CSSRS_SCREEN, MDQ)
    }
)


def screening_cutoffs(env: Mapping[str, str]) -> dict[str, int]:
    """SCREENING_CUTOFFS="phq2=2,pcl5=31": the cut-offs that published sources disagree on, one
    setting for every service that scores answers.

    Checked at start-up, so a mistyped setting stops the service instead of mis-screening.
    """
    cutoffs: dict[str, int] = {}
    for pair in filter(None, (p.strip() for p in env.get("SCREENING_CUTOFFS", "").split(","))):
        code, _, value = pair.partition("=")
        cutoffs[code.strip()] = int(value)
        get_instrument(code.strip()).cutoff_in_force(cutoffs)
    return cutoffs


def get_instrument(code: str) -> Instrument:
    """The instrument for `code`; KeyError naming the known codes when there is none."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise KeyError(f"unknown instrument {code!r}; known: {', '.join(INSTRUMENTS)}") from None
