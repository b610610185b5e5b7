"""Suicide risk in a scored result: the rule every service applies, at intake or in a session.

PHQ-9 item 9 above 0 counts whatever the total (urgent from 2 up); a C-SSRS screen at moderate
or high counts (urgent when high). A reassuring result never clears a flag raised another way.
"""

from __future__ import annotations

from shared.instruments.model import ScreeningResult
from shared.vocabulary import HIGH, URGENT


def suicide_risk(result: ScreeningResult) -> tuple[str, str] | None:
    """(urgency, source) when a result needs the risk workflow today, else None.

    PHQ-9 item 9 above 0 counts whatever the total; C-SSRS moderate or high counts.
    """
    if result.instrument == "phq9":
        item9 = int(result.details.get("item9", 0))
        if item9 > 0:
            return (URGENT if item9 >= 2 else HIGH), "phq9_item9"
    if result.instrument == "cssrs_screen" and result.risk_level in ("moderate", "high"):
        return (URGENT if result.risk_level == "high" else HIGH), "cssrs"
    return None
