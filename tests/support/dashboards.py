"""Every panel of the ops dashboards, read from their files: the Prometheus console
(deploy/prometheus/consoles/ipt.html) and the Grafana dashboard for deployments
(deploy/grafana/dashboards/platform.json), which show the same panels."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from shared.config import PROJECT_ROOT

CONSOLE = PROJECT_ROOT / "deploy" / "prometheus" / "consoles" / "ipt.html"
GRAFANA = PROJECT_ROOT / "deploy" / "grafana" / "dashboards" / "platform.json"
# The console library's panels (deploy/prometheus/console_libraries/ipt.lib) and Grafana's for each.
GRAFANA_TYPES = {"stat": "stat", "table": "table", "list": "table", "graph": "timeseries"}
_PANEL = re.compile(r'\{\{ template "ipt\.(stat|table|list|graph)" \(args "([^"]+)" `([^`]+)`')
_SECTION = re.compile(r"<h2>([^<]+)</h2>")


@dataclass(frozen=True)
class Panel:
    section: str
    title: str
    kind: str  # Grafana's panel type
    expr: str


def console_panels(path: Path = CONSOLE) -> list[Panel]:
    panels: list[Panel] = []
    section = ""
    for line in path.read_text().splitlines():
        if heading := _SECTION.search(line):
            section = heading.group(1)
        for kind, title, expr in _PANEL.findall(line):
            panels.append(Panel(section, title, GRAFANA_TYPES[kind], expr))
    return panels


def grafana_panels(path: Path = GRAFANA) -> list[Panel]:
    panels: list[Panel] = []
    section = ""
    for panel in json.loads(path.read_text())["panels"]:
        if panel["type"] == "row":
            section = panel["title"]
            continue
        for target in panel.get("targets", []):
            panels.append(Panel(section, panel["title"], panel["type"], target["expr"]))
    return panels
