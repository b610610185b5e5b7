"""axe-core in a page: WCAG 2.1 A and AA violations, and 7:1 text contrast, described one element a line.

axe-core is pinned in deploy/local/browser-tools/package-lock.json and installed into
.local/browser-tools by `bash deploy/local/browser-deps.sh` (which `make test` runs). The pages'
Content-Security-Policy forbids inline scripts, so contexts that run axe must bypass it.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PROJECT_ROOT

AXE_JS = PROJECT_ROOT / ".local" / "browser-tools" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

ENHANCED_CONTRAST = "color-contrast-enhanced"  # WCAG 1.4.6 (AAA): 7:1 for normal text, 4.5:1 for large
# The WCAG 2.1 A and AA rules, and the AAA contrast rule besides, in one run.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "rules": {ENHANCED_CONTRAST: {"enabled": True}},
    "resultTypes": ["violations"],
}


def run_axe(page: Page, options: dict[str, Any]) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (the script is injected once per loaded document)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `bash deploy/local/browser-deps.sh`", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    result: dict[str, Any] = page.evaluate("options => window.axe.run(document, options)", options)
    return list(result["violations"])


def describe(violations: list[dict[str, Any]], where: str) -> str:
    """One line per failing element: rule, impact, CSS target and axe's summary, under the page's name."""
    lines = [f"axe found {len(violations)} rule(s) violated on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary[:300]}")
    return "\n".join(lines)
