"""The layers keep their promises: domains import no framework, handlers and adapters no driver.

Checked in a fresh interpreter, so what other tests imported cannot hide a dependency.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from shared.config import PROJECT_ROOT, SERVICES

FRAMEWORKS = ("flask", "flask_smorest", "marshmallow", "pymongo", "bson", "kafka", "gunicorn")
DRIVERS = ("pymongo", "bson", "kafka")


def imported_by(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def domain_modules(service: str) -> list[str]:
    folder = PROJECT_ROOT / "services" / service / "domain"
    return [f"services.{service}.domain.{path.stem}" for path in sorted(folder.glob("*.py"))]


@pytest.mark.parametrize("service", SERVICES)
def test_a_domain_imports_no_framework_driver_or_broker(service):
    assert imported_by(domain_modules(service)) & set(FRAMEWORKS) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_handlers_and_repositories_know_nothing_of_the_database_driver(service):
    modules = [f"services.{service}.handlers", f"services.{service}.adapters", "shared.memory"]
    assert imported_by(modules) & set(DRIVERS) == set()
