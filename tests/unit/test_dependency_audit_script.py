"""`make test`'s dependency audit: a finding or an unaudited dependency fails it; advisory data that
cannot be reached is reported as NOT CHECKED, never passed in silence. pip-audit is stood in for by
a script answering as pip-audit does in each case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "deploy" / "local" / "audit-dependencies.sh"
FLASK = {"name": "flask", "version": "3.1.3", "vulns": []}
VULNERABLE = {"name": "werkzeug", "version": "3.1.9", "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.2.0"]}]}
NOT_FOUND = {"name": "pymongo", "skip_reason": "Dependency not found on PyPI and could not be audited"}

# (exit code of the strict run, what the strict run prints, the JSON report or None for a crash)
CASES = {
    "clean": (0, "No known vulnerabilities found", None),
    "vulnerable": (1, "Found 1 known vulnerability in 1 package", {"dependencies": [FLASK, VULNERABLE]}),
    "one not audited": (1, "pymongo: Dependency not found on PyPI", {"dependencies": [FLASK, NOT_FOUND]}),
    "no advisory data": (1, "pymongo: Dependency not found on PyPI", {"dependencies": [NOT_FOUND, NOT_FOUND]}),
    "no route": (1, "requests.exceptions.ConnectionError: Failed to resolve", None),
}


def stand_in(folder: Path, case: str) -> Path:
    status, strict_output, report = CASES[case]
    script = folder / "pip-audit"
    script.write_text(
        f"""#!{sys.executable}
import sys
if "--strict" in sys.argv:
    print({strict_output!r}, file=sys.stderr)
    sys.exit({status})
report = {json.dumps(report)!r}
if report == "null":
    print("Traceback: ConnectionError", file=sys.stderr)
    sys.exit(1)
print(report)
sys.exit(1)
"""
    )
    script.chmod(0o755)
    return folder


@pytest.mark.parametrize(
    "case, passes, says",
    [
        ("clean", True, "no known vulnerabilities"),
        ("vulnerable", False, "dependency audit FAILED (vulnerable)"),
        ("one not audited", False, "dependency audit FAILED (incomplete)"),
        ("no advisory data", True, "DEPENDENCY AUDIT NOT CHECKED"),
        ("no route", True, "DEPENDENCY AUDIT NOT CHECKED"),
    ],
)
def test_the_audit_fails_on_findings_and_says_when_it_could_not_check(tmp_path, case, passes, says):
    folder = stand_in(tmp_path, case)
    env = dict(os.environ, PATH=f"{folder}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", str(SCRIPT)], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
    assert (done.returncode == 0) is passes, done.stdout + done.stderr
    assert says in done.stdout + done.stderr
