"""The local monitoring stack's files agree with the platform: Prometheus scrapes every web and worker
process the Procfile starts, on the ports the environment gives; Alertmanager mails through the mail
sink; the console dashboard and the Grafana one show the same panels."""

from __future__ import annotations

from collections import Counter

from shared import monitoring
from shared.config import DEFAULT_PORTS, PROJECT_ROOT, SERVICES
from shared.supervisor import parse_procfile
from tests.support.dashboards import GRAFANA_TYPES, console_panels, grafana_panels

PROCFILE = PROJECT_ROOT / "deploy" / "local" / "Procfile"


def procfile() -> dict[str, str]:
    return {spec.name: spec.command for spec in parse_procfile(PROCFILE.read_text())}


def targets(config: dict) -> dict[str, set[str]]:
    jobs = config["scrape_configs"]
    return {job["job_name"]: {t for s in job["static_configs"] for t in s["targets"]} for job in jobs}


def test_every_web_and_worker_process_of_the_procfile_is_scraped():
    processes = procfile()
    scraped = targets(monitoring.prometheus_config({}))
    for service in SERVICES:
        assert f"{service}_web" in processes and f"{service}_worker" in processes
        assert f"127.0.0.1:{DEFAULT_PORTS[service]}" in scraped["ipt-web"]
        assert f"127.0.0.1:{DEFAULT_PORTS[service] + 100}" in scraped["ipt-worker"]
    assert len(scraped["ipt-web"]) == len(scraped["ipt-worker"]) == len(SERVICES)
    assert {"prometheus", "alertmanager"} <= set(processes)


def test_each_of_several_workers_is_scraped_on_its_own_metrics_port():
    scraped = targets(monitoring.prometheus_config({"WORKERS": "2"}))
    for service in SERVICES:
        first = DEFAULT_PORTS[service] + 100
        assert {f"127.0.0.1:{first}", f"127.0.0.1:{first + 10}"} <= scraped["ipt-worker"]
    assert len(scraped["ipt-worker"]) == 2 * len(SERVICES)


def test_the_configuration_follows_the_environment():
    env = {
        "INTAKE_PORT": "21001",
        "PROMETHEUS_PORT": "21090",
        "ALERTMANAGER_PORT": "21094",
        "PROMETHEUS_SCRAPE_INTERVAL": "2s",
        "PROMETHEUS_EVALUATION_INTERVAL": "2s",
        "SMTP_PORT": "21025",
        "ALERTMANAGER_GROUP_WAIT": "1s",
    }
    prometheus = monitoring.prometheus_config(env)
    scraped = targets(prometheus)
    assert "127.0.0.1:21001" in scraped["ipt-web"] and "127.0.0.1:21101" in scraped["ipt-worker"]
    assert scraped["prometheus"] == {"127.0.0.1:21090"} and scraped["alertmanager"] == {"127.0.0.1:21094"}
    assert prometheus["global"] == {"scrape_interval": "2s", "scrape_timeout": "2s", "evaluation_interval": "2s"}
    assert prometheus["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["127.0.0.1:21094"]
    assert prometheus["rule_files"] == [str(monitoring.RULES_FILE)]

    alertmanager = monitoring.alertmanager_config(env)
    assert alertmanager["global"]["smtp_smarthost"] == "127.0.0.1:21025"
    assert alertmanager["route"]["group_wait"] == "1s"


def test_targets_carry_a_component_label_never_a_service_one():
    for job in monitoring.prometheus_config({})["scrape_configs"]:
        for static in job["static_configs"]:
            assert "service" not in static.get("labels", {}), "a target `service` label clashes with the code's"


def test_alertmanager_is_not_on_kafkas_controller_port():
    assert monitoring.ALERTMANAGER_PORT != 9093
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert f"ALERTMANAGER_PORT ?= {monitoring.ALERTMANAGER_PORT}" in makefile
    assert f"PROMETHEUS_PORT ?= {monitoring.PROMETHEUS_PORT}" in makefile


def test_the_console_has_the_three_dashboards_with_distinct_panels():
    panels = console_panels()
    assert [s for s in dict.fromkeys(p.section for p in panels)] == [
        "Platform overview",
        "Event pipeline",
        "Clinical operations",
    ]
    repeated = [key for key, n in Counter((p.section, p.title, p.kind) for p in panels).items() if n > 1]
    assert not repeated, f"panels shown twice: {repeated}"
    assert {p.kind for p in panels} == set(GRAFANA_TYPES.values())


def test_grafana_shows_the_same_panels_as_the_console():
    assert sorted(grafana_panels(), key=repr) == sorted(console_panels(), key=repr)
