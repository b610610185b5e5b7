"""The local monitoring stack's configuration: Prometheus and Alertmanager for `make run` and the tests.

Rendered from the same environment as the rest of the local platform (ports, the mail sink), so a test
stack on free ports is watched exactly like `make run` on the defaults. deploy/local/prometheus.sh and
alertmanager.sh write these files before starting Debian's binaries. Jobs and labels match
deploy/prometheus/prometheus.yml (compose): the same alert rules and dashboards serve both.
`python -m shared.monitoring prometheus|alertmanager` prints one as YAML.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import yaml

from shared.config import DEFAULT_PORTS, PROJECT_ROOT, SERVICES, worker_count
from shared.worker import worker_metrics_port

PROMETHEUS_PORT, ALERTMANAGER_PORT = 9090, 9094  # Alertmanager's own 9093 is Kafka's controller here
RULES_FILE = PROJECT_ROOT / "deploy" / "prometheus" / "alerts.yml"
SEVERITIES = ("page", "ticket")
DASHBOARD_PATH = "/consoles/ipt.html"

# Where each severity's e-mails go; locally they all land in the mail sink's Maildir.
OPS_EMAIL_DEFAULTS = {
    "OPS_PAGE_EMAIL": "ops-oncall@ipt.example.org",
    "OPS_TICKET_EMAIL": "ops-tickets@ipt.example.org",
    "OPS_MAIL_FROM": "alertmanager@ipt.example.org",
}


def _get(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name) or default


def port(env: Mapping[str, str], variable: str, default: int) -> int:
    return int(_get(env, variable, str(default)))


def prometheus_url(env: Mapping[str, str]) -> str:
    return f"http://127.0.0.1:{port(env, 'PROMETHEUS_PORT', PROMETHEUS_PORT)}"


def alertmanager_url(env: Mapping[str, str]) -> str:
    return f"http://127.0.0.1:{port(env, 'ALERTMANAGER_PORT', ALERTMANAGER_PORT)}"


def scrape_targets(env: Mapping[str, str]) -> dict[str, list[str]]:
    """Every web and worker process of every service, by job (web: gunicorn, all its workers in one
    multiprocess exposition; worker: the consumer, relay and timers, each of the WORKERS of them)."""
    web = [port(env, f"{service.upper()}_PORT", DEFAULT_PORTS[service]) for service in SERVICES]
    instances = range(1, worker_count(env) + 1)
    return {
        "ipt-web": [f"127.0.0.1:{p}" for p in web],
        "ipt-worker": [f"127.0.0.1:{worker_metrics_port(p, n)}" for p in web for n in instances],
    }


def prometheus_config(env: Mapping[str, str]) -> dict[str, Any]:
    interval = _get(env, "PROMETHEUS_SCRAPE_INTERVAL", "15s")
    components = {"ipt-web": "web", "ipt-worker": "worker"}
    jobs: list[dict[str, Any]] = [
        # The code labels its series with `service`, so targets only get `component`.
        {"job_name": job, "static_configs": [{"targets": targets, "labels": {"component": components[job]}}]}
        for job, targets in scrape_targets(env).items()
    ]
    jobs += [
        {"job_name": "prometheus", "static_configs": [{"targets": [prometheus_url(env).removeprefix("http://")]}]},
        {"job_name": "alertmanager", "static_configs": [{"targets": [alertmanager_url(env).removeprefix("http://")]}]},
    ]
    return {
        "global": {
            "scrape_interval": interval,
            "scrape_timeout": _get(env, "PROMETHEUS_SCRAPE_TIMEOUT", "10s" if interval.endswith("m") else interval),
            "evaluation_interval": _get(env, "PROMETHEUS_EVALUATION_INTERVAL", "15s"),
        },
        "rule_files": [str(RULES_FILE)],
        "alerting": {
            "alertmanagers": [{"static_configs": [{"targets": [alertmanager_url(env).removeprefix("http://")]}]}]
        },
        "scrape_configs": jobs,
    }


def alertmanager_config(env: Mapping[str, str]) -> dict[str, Any]:
    """Routes by severity: pages to the on-call address at once and hourly while firing, tickets to
    the ops queue. E-mail goes through the SMTP relay the platform uses (locally the mail sink)."""
    smtp = f"{_get(env, 'SMTP_HOST', '127.0.0.1')}:{_get(env, 'SMTP_PORT', '1025')}"
    emails = {name: _get(env, name, default) for name, default in OPS_EMAIL_DEFAULTS.items()}
    group_wait = _get(env, "ALERTMANAGER_GROUP_WAIT", "30s")
    group_interval = _get(env, "ALERTMANAGER_GROUP_INTERVAL", "5m")

    def receiver(name: str, to: str) -> dict[str, Any]:
        return {
            "name": name,
            "email_configs": [
                {
                    "to": to,
                    "send_resolved": True,
                    "headers": {"Subject": f"[{name}] " + '{{ template "email.default.subject" . }}'},
                }
            ],
        }

    return {
        "global": {"smtp_smarthost": smtp, "smtp_from": emails["OPS_MAIL_FROM"], "smtp_require_tls": False},
        "route": {
            "receiver": "ops-ticket",
            "group_by": ["alertname", "service"],
            "group_wait": group_wait,
            "group_interval": group_interval,
            "repeat_interval": "24h",
            "routes": [
                {"matchers": ['severity="page"'], "receiver": "ops-page", "repeat_interval": "1h"},
                {"matchers": ['severity="ticket"'], "receiver": "ops-ticket"},
            ],
        },
        # A page about a process being down says all there is to say about its other alerts.
        "inhibit_rules": [
            {
                "source_matchers": ['alertname="ProcessDown"'],
                "target_matchers": ['severity="ticket"'],
                "equal": ["instance"],
            }
        ],
        "receivers": [
            receiver("ops-page", emails["OPS_PAGE_EMAIL"]),
            receiver("ops-ticket", emails["OPS_TICKET_EMAIL"]),
        ],
    }


RENDERERS = {"prometheus": prometheus_config, "alertmanager": alertmanager_config}


def render(which: str, env: Mapping[str, str]) -> str:
    return yaml.safe_dump(RENDERERS[which](env), sort_keys=False)


def targets_up(env: Mapping[str, str], timeout: float = 3.0) -> tuple[int, int, list[str]] | None:
    """(targets up, targets, the ones down) as the local Prometheus sees them; None while it does not answer."""
    import json
    import urllib.error
    import urllib.request

    url = f"{prometheus_url(env)}/api/v1/targets?state=active"
    try:
        # Not a finding (bandit B310): prometheus_url() is http://127.0.0.1:<port>, never input
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # nosec B310
            targets = json.load(answer)["data"]["activeTargets"]
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        return None
    down = sorted(f"{t['labels'].get('job')} {t['labels'].get('instance')}" for t in targets if t["health"] != "up")
    return len(targets) - len(down), len(targets), down


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in RENDERERS:
        print(f"usage: python -m shared.monitoring {'|'.join(RENDERERS)}", file=sys.stderr)
        return 2
    import os

    sys.stdout.write(render(argv[0], os.environ))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
