"""The alert rules and the local monitoring configuration, checked by Prometheus's and Alertmanager's
own tools: `promtool check rules`, the rule unit tests in deploy/prometheus/tests/ (`promtool test
rules`), `promtool check config` and `amtool check-config` on what deploy/local/*.sh render, and the
severity routes. Every alert has a unit test, a severity Alertmanager routes and a runbook section."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from shared import monitoring
from shared.config import PROJECT_ROOT

RULES = PROJECT_ROOT / "deploy" / "prometheus" / "alerts.yml"
RULE_TESTS = sorted((PROJECT_ROOT / "deploy" / "prometheus" / "tests").glob("*.yml"))
RUNBOOK = PROJECT_ROOT / "docs" / "runbook.md"
SETUP = "bash deploy/local/monitoring-deps.sh"


def tool(name: str, env_var: str) -> str:
    path = os.environ.get(env_var) or shutil.which(name) or f"/usr/bin/{name}"
    if not os.access(path, os.X_OK):
        missing = f"{name} is missing: run `{SETUP}` (Debian's prometheus and prometheus-alertmanager)"
        pytest.fail(missing, pytrace=False)
    return path


def run(*argv: str, stdout_only: bool = False) -> str:
    done = subprocess.run(argv, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{output}"
    return done.stdout if stdout_only else output


def alerts() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"] if "alert" in rule]


def test_the_rules_pass_promtool_check():
    assert "SUCCESS" in run(tool("promtool", "PROMTOOL_BIN"), "check", "rules", str(RULES))


def test_the_rule_unit_tests_pass():
    assert RULE_TESTS, "no rule unit tests in deploy/prometheus/tests/"
    output = run(tool("promtool", "PROMTOOL_BIN"), "test", "rules", *map(str, RULE_TESTS))
    assert output.count("SUCCESS") == len(RULE_TESTS), output


def test_every_alert_has_a_unit_test_that_expects_it_to_fire():
    firing: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            firing |= {check["alertname"] for check in case.get("alert_rule_test", []) if check.get("exp_alerts")}
    missing = {rule["alert"] for rule in alerts()} - firing
    assert not missing, f"alerts without a promtool test that sees them fire: {sorted(missing)}"


def test_every_alert_has_a_routed_severity_a_summary_and_a_runbook_section():
    headings = {_anchor(line) for line in RUNBOOK.read_text().splitlines() if line.startswith("#")}
    for rule in alerts():
        assert rule["labels"]["severity"] in monitoring.SEVERITIES, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        page, _, anchor = rule["annotations"]["runbook"].partition("#")
        assert page == "docs/runbook.md" and anchor == rule["alert"].lower(), rule["alert"]
        assert anchor in headings, f"docs/runbook.md has no section for {rule['alert']}"


def _anchor(heading: str) -> str:
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^a-z0-9 _-]", "", text).replace(" ", "-")


def test_the_rendered_prometheus_config_passes_promtool(tmp_path: Path):
    config = tmp_path / "prometheus.yml"
    config.write_text(monitoring.render("prometheus", {}))
    output = run(tool("promtool", "PROMTOOL_BIN"), "check", "config", str(config))
    assert "SUCCESS" in output and "1 rule files found" in output


def test_the_rendered_alertmanager_config_passes_amtool_and_routes_by_severity(tmp_path: Path):
    config = tmp_path / "alertmanager.yml"
    config.write_text(monitoring.render("alertmanager", {}))
    amtool = tool("amtool", "AMTOOL_BIN")
    assert "SUCCESS" in run(amtool, "check-config", str(config))
    for severity, receiver in (("page", "ops-page"), ("ticket", "ops-ticket")):
        routed = run(
            amtool, "config", "routes", "test", f"--config.file={config}", f"severity={severity}", stdout_only=True
        )
        assert routed.split() == [receiver], routed
