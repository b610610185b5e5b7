"""When a change in an instrument's total is more than measurement error (reliable change).

Two kinds of rule, kept as data:

- a fixed number of points where an audited standard names one: NHS Talking Therapies counts a
  change of at least 6 points on the PHQ-9 and 4 on the GAD-7 as reliable;
- otherwise the Jacobson–Truax Reliable Change Index (Jacobson & Truax 1991) from the standard
  deviation (SD) and test–retest reliability (r) recorded here:
  RC = (x2 − x1) / S_diff, S_diff = SD·√2·√(1 − r); the change is reliable when |RC| > 1.96.

Every instrument here counts symptoms (a higher total is worse), so a reliable fall is an
improvement. An instrument with no rule here gets no reliable-change classification at all
(None), never a guessed one: SD and r depend on the population, and a value is added only with
its source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

IMPROVED, DETERIORATED, NO_RELIABLE_CHANGE = "improved", "deteriorated", "none"
RCI_CRITICAL_VALUE = 1.96  # two-tailed 95 %


@dataclass(frozen=True)
class FixedPoints:
    """A change of at least `points` is reliable."""

    points: int
    source: str

    def is_reliable(self, change: int) -> bool:
        return abs(change) >= self.points


@dataclass(frozen=True)
class JacobsonTruax:
    """Reliable Change Index from the SD and test–retest reliability of a reference sample."""

    sd: float
    reliability: float
    source: str

    @property
    def s_diff(self) -> float:
        """Standard error of the difference between two scores."""
        return self.sd * math.sqrt(2) * math.sqrt(1 - self.reliability)

    def index(self, change: int) -> float:
        return change / self.s_diff

    def is_reliable(self, change: int) -> bool:
        return abs(self.index(change)) > RCI_CRITICAL_VALUE


ReliableChangeRule = FixedPoints | JacobsonTruax

NHS_TALKING_THERAPIES = (
    "NHS Talking Therapies for anxiety and depression manual (NHS England): reliable change is a change "
    "of at least 6 points on the PHQ-9 and 4 on the GAD-7"
)

RELIABLE_CHANGE: Mapping[str, ReliableChangeRule] = MappingProxyType(
    {
        "phq9": FixedPoints(6, NHS_TALKING_THERAPIES),
        "gad7": FixedPoints(4, NHS_TALKING_THERAPIES),
        # SD 12.40: PCL-5 normative table (J Affect Disord 2020;277:368–374, Table 3); r = .82: one-week
        # test–retest, Blevins et al. 2015, J Trauma Stress 28:489–498 (Study 1). The two come from
        # different samples; a service with its own clinical SD and r should record them here.
        # They give S_diff ≈ 7.44, so a change of 15 points or more is reliable.
        "pcl5": JacobsonTruax(
            sd=12.40,
            reliability=0.82,
            source="Jacobson–Truax RCI; SD 12.40 (J Affect Disord 2020;277:368–374), "
            "r .82 (Blevins et al. 2015, J Trauma Stress 28:489–498)",
        ),
        # AUDIT, DAST-10 and the two-item screens have no SD and reliability pair recorded yet, so
        # their change is reported without a reliable-change classification.
    }
)


def reliable_change_rule(code: str) -> ReliableChangeRule | None:
    return RELIABLE_CHANGE.get(code)


def reliable_change(code: str, baseline: int, latest: int) -> str | None:
    """IMPROVED, DETERIORATED or NO_RELIABLE_CHANGE from `baseline` to `latest`; None when the
    instrument has no reliable-change rule."""
    rule = RELIABLE_CHANGE.get(code)
    if rule is None:
        return None
    change = latest - baseline
    if not rule.is_reliable(change):
        return NO_RELIABLE_CHANGE
    return IMPROVED if change < 0 else DETERIORATED
