"""Every LOINC code the instruments use, in one table, checked by a test against the reference.

Public code often swaps GAD-7 items 6 and 7, confuses panel with total codes, and mixes AUDIT
with AUDIT-C; keeping them together makes such a mix-up visible. Codes the clinical reference
marks unverified (PCL-5, C-SSRS, MDQ) or unconfirmed (GAD-2 total) are deliberately None:
a missing code is safer than a wrong one in an exchanged result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class LoincCodes:
    panel: str | None = None
    total: str | None = None
    items: tuple[str, ...] = ()  # in item order; empty when the item codes are not verified


PHQ9_ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8")
GAD7_ITEMS = (
    "69725-0",
    "68509-9",
    "69733-4",
    "69734-2",
    "69735-9",
    "69689-8",  # item 6: becoming easily annoyed or irritable
    "69736-7",  # item 7: feeling afraid as if something awful might happen
)

LOINC_CODES: Mapping[str, LoincCodes] = MappingProxyType(
    {
        "phq9": LoincCodes(panel="44249-1", total="44261-6", items=PHQ9_ITEMS),
        "phq2": LoincCodes(panel="55757-9", total="55758-7", items=PHQ9_ITEMS[:2]),
        "gad7": LoincCodes(panel="69737-5", total="70274-6", items=GAD7_ITEMS),
        "gad2": LoincCodes(items=GAD7_ITEMS[:2]),  # total 70272-0 is unconfirmed
        "audit": LoincCodes(panel="72110-0", total="75624-7"),
        "auditc": LoincCodes(panel="72109-2", total="75626-2"),
        "dast10": LoincCodes(panel="82666-9", total="82667-7"),
        "pcl5": LoincCodes(),
        "cssrs_screen": LoincCodes(),
        "mdq": LoincCodes(),
    }
)

# PHQ-9 answers 0/1/2/3 (not at all / several days / more than half the days / nearly every day).
PHQ_FREQUENCY_ANSWERS = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")
# PHQ-9 item 10: how difficult the problems made work, home and relationships.
PHQ9_DIFFICULTY = "69722-7"
