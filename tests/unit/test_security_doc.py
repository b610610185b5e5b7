"""docs/security.md stays true: every file and test it names exists."""

from __future__ import annotations

import re

from shared.config import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "security.md"


def test_every_file_and_test_the_security_page_names_exists():
    text = DOC.read_text()
    current = None
    missing = []
    # "`tests/x.py::test_a`, `::test_b`": a bare `::name` belongs to the file named before it.
    for path, name in re.findall(r"`((?:tests|shared|services|deploy)/[\w/.-]+)?(?:::(\w+))?[^`]*`", text):
        if path:
            current = path
            if not (PROJECT_ROOT / path).exists():
                missing.append(path)
        if name and current:
            source = (PROJECT_ROOT / current).read_text() if (PROJECT_ROOT / current).is_file() else ""
            if not re.search(rf"def {name}\(", source):
                missing.append(f"{current}::{name}")
    assert not missing
