"""Monitoring on the running platform: Prometheus scrapes every process and loads the rules; after a
small workload through the public APIs every dashboard panel (console and Grafana alike) has data; a
firing alert reaches ops as an e-mail in the mail sink, through Alertmanager."""

from __future__ import annotations

import mailbox
import math
import re
import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
import yaml

from shared.config import PROJECT_ROOT, SERVICES
from shared.monitoring import OPS_EMAIL_DEFAULTS
from tests.e2e.test_first_slice import new_client, register
from tests.e2e.test_outcomes_measurement import book, outcomes_api, screen, treated_by_new_clinician
from tests.e2e.test_sessions_course import admitted_client, sessions_api
from tests.support.dashboards import console_panels, grafana_panels
from tests.support.infra import wait_for

PHQ9_MODERATE = [2, 2, 2, 1, 1, 1, 1, 2, 0]  # 12: moderate
PHQ9_ITEM9 = [1, 1, 1, 1, 0, 1, 0, 0, 2]  # item 9 at 2: an urgent risk flag
GAD7_MILD = [1, 1, 1, 1, 1, 1, 0]


def query(stack, expr: str) -> list[dict]:
    answer = requests.get(f"{stack.prometheus_url}/api/v1/query", params={"query": expr}, timeout=10)
    assert answer.status_code == 200, f"{expr!r}: {answer.text}"
    return answer.json()["data"]["result"]


def has_data(result: list[dict]) -> bool:
    """A panel shows something: at least one series with a number (NaN, a quantile of nothing, is not)."""
    return any(math.isfinite(float(series["value"][1])) for series in result)


def notifications_api(stack, method: str, path: str, role: str = "admin", sub: str = "ops-e2e", **kwargs):
    return requests.request(
        method, f"{stack.url('notifications')}/api/v1{path}", headers=stack.headers(role, sub), timeout=10, **kwargs
    )


@pytest.fixture(scope="module")
def on_call(stack) -> dict[str, str]:
    """A rota whose people have e-mail addresses, so alert e-mails go out (and are timed)."""
    tag = secrets.token_hex(3)
    people = {"clinician": f"mon-oc-{tag}", "supervisor": f"mon-sup-{tag}", "clinical_lead": f"mon-lead-{tag}"}
    assert notifications_api(stack, "PUT", "/on-call", json=people).status_code == 200
    for person in people.values():
        assert notifications_api(stack, "PUT", f"/staff/{person}", json={"email": f"{person}@example.org"}).ok
    return people


def urgent_flag(stack) -> dict:
    client = register(stack, new_client())
    screening = screen(stack, client["id"], "phq9", PHQ9_ITEM9, difficulty=1)
    return screening["risk_flag"]


def open_alert(stack, flag: dict) -> dict:
    def found():
        alerts = notifications_api(stack, "GET", "/alerts", params={"status": "open"}).json()
        return next((a for a in alerts if a["flag_id"] == flag["id"]), None)

    return wait_for(found, 30, "the open risk alert")


def test_prometheus_scrapes_every_web_and_worker_process(stack):
    def targets():
        active = requests.get(f"{stack.prometheus_url}/api/v1/targets", timeout=10).json()["data"]["activeTargets"]
        up = {(t["labels"]["job"], t["labels"]["instance"]) for t in active if t["health"] == "up"}
        return up if len(up) == len(active) else None

    up = wait_for(targets, 30, "every target to be up")
    for service in SERVICES:
        assert ("ipt-web", f"127.0.0.1:{stack.ports[service]}") in up
        assert ("ipt-worker", f"127.0.0.1:{stack.ports[service] + 100}") in up
    assert {job for job, _ in up} == {"ipt-web", "ipt-worker", "prometheus", "alertmanager"}


def test_prometheus_evaluates_every_alert_rule(stack):
    groups = requests.get(f"{stack.prometheus_url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    loaded = {rule["name"] for group in groups for rule in group["rules"]}
    rules = yaml.safe_load((PROJECT_ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    assert loaded == {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    assert all(rule["health"] == "ok" for group in groups for rule in group["rules"])


def drive_workload(stack, on_call: dict[str, str]) -> None:
    """A little of everything the dashboards show, through the services' public APIs."""
    client_id = admitted_client(stack)  # registration, consent, admission
    screen(stack, client_id, "phq9", PHQ9_MODERATE, difficulty=1)
    screen(stack, client_id, "gad7", GAD7_MILD)
    episode_id, clinician = treated_by_new_clinician(stack, client_id)
    first, second = book(stack, episode_id, datetime.now(UTC) - timedelta(days=14), 2)
    mine = {"role": "clinician", "sub": clinician}
    assert sessions_api(stack, "PATCH", f"/sessions/{first['id']}", json={"status": "attended"}, **mine).ok
    record = {
        "phase": "initial",
        "focus": "grief",
        "risk_review": "Reviewed",
        "measures": [{"instrument": "phq9", "answers": PHQ9_MODERATE}],
    }
    assert sessions_api(stack, "PUT", f"/sessions/{first['id']}/record", json=record, **mine).ok
    assert sessions_api(stack, "PATCH", f"/sessions/{second['id']}", json={"status": "no_show"}, **mine).ok
    outcomes = f"/clients/{client_id}/outcomes"  # once outcomes has learnt who treats the client
    wait_for(lambda: outcomes_api(stack, "GET", outcomes, role="clinician", sub=clinician).ok, 30, "the outcomes")
    # A risk alert that is e-mailed and then acknowledged: delivery and acknowledgement times.
    alert = open_alert(stack, urgent_flag(stack))
    address = f"{on_call['clinician']}@example.org"
    wait_for(lambda: mails_about(stack, address, alert["id"]), 30, "the alert's e-mail")
    assert notifications_api(stack, "POST", f"/alerts/{alert['id']}/acknowledge", sub=on_call["clinician"]).ok


def mail_text(mail) -> str:
    """Every part of a message, decoded (Alertmanager sends HTML and plain text, quoted-printable)."""
    parts = (part.get_payload(decode=True) for part in mail.walk() if not part.is_multipart())
    return "\n".join(part.decode(errors="replace") for part in parts if part)


def mails_about(stack, to: str, text: str) -> list:
    return [m for m in mailbox.Maildir(stack.mail_dir, create=False) if m["To"] == to and text in m.as_string()]


def test_every_dashboard_panel_has_data_after_a_small_workload(stack, on_call):
    drive_workload(stack, on_call)
    panels = console_panels() + grafana_panels()
    assert len(panels) > 30
    empty: dict[str, str] = {}

    def all_have_data() -> bool:
        # Traffic goes on while we look, as on a working day: rates and ratios need it in their window.
        for service in SERVICES:
            requests.get(f"{stack.url(service)}/api/v1/no-such-route", timeout=10)
        empty.clear()
        for panel in panels:
            if not has_data(query(stack, panel.expr)):
                empty[f"{panel.kind} {panel.section} / {panel.title}"] = panel.expr
        return not empty

    try:
        wait_for(all_have_data, 60, "every panel to have data", interval=2)
    except TimeoutError:
        raw = {name: query(stack, name) for expr in empty.values() for name in re.findall(r"\b([a-z_]+)\[", expr)}
        pytest.fail(
            "panels without data:\n"
            + "\n".join(f"  {name}: {expr}" for name, expr in empty.items())
            + f"\nthe series behind them: {raw}"
        )
    # The workload shows where it should: a count that moved, not only series declared at 0.
    for expr in (
        "sum(increase(clinical_registrations_total[1h]))",
        'sum(increase(clinical_screenings_total{instrument="phq9", severity="moderate"}[1h]))',
        'sum(increase(clinical_sessions_total{outcome="no_show"}[1h]))',
        'sum(increase(clinical_measures_recorded_total{source="session"}[1h]))',
        'sum(increase(clinical_alert_acknowledge_seconds_count{urgency="urgent"}[1h]))',
        'sum(increase(event_end_to_end_seconds_count{type="intake.client.admitted"}[1h]))',
    ):
        # The workload's last steps may still be on their way to the next scrape.
        wait_for(lambda expr=expr: float(query(stack, expr)[0]["value"][1]) > 0, 60, expr, interval=2)


def test_a_firing_alert_reaches_ops_by_email_in_the_mail_sink(stack, on_call):
    """An urgent risk alert nobody acknowledges goes past its escalation time (12 s here):
    UrgentAlertUnacknowledged fires and Alertmanager e-mails the on-call ops address."""
    # Earlier tests may have left urgent alerts open, already firing the rule: take them on, so this
    # test's own alert makes the rule fire anew (and a fresh e-mail with it).
    for alert in notifications_api(stack, "GET", "/alerts", params={"status": "open"}).json():
        notifications_api(stack, "POST", f"/alerts/{alert['id']}/acknowledge")
    wait_for(
        lambda: not query(stack, 'ALERTS{alertname="UrgentAlertUnacknowledged", alertstate="firing"}'),
        30,
        "the rule to stop firing",
    )
    flagged_at = time.time()
    alert = open_alert(stack, urgent_flag(stack))
    ops = OPS_EMAIL_DEFAULTS["OPS_PAGE_EMAIL"]

    def fresh_page():
        mails = mailbox.Maildir(stack.mail_dir, create=False)
        return [
            m
            for m in mails
            if m["To"] == ops
            and "UrgentAlertUnacknowledged" in m["Subject"]
            and "FIRING" in m["Subject"]
            and m.get_date() >= flagged_at - 1
        ]

    try:
        [mail, *_] = wait_for(fresh_page, 60, "the ops e-mail about the unacknowledged urgent alert")
        assert mail["Subject"].startswith("[ops-page]")
        text = mail_text(mail)
        assert "urgent risk alert(s) unacknowledged past their escalation time" in text
        assert "docs/runbook.md#urgentalertunacknowledged" in text
        assert alert["client_id"] not in text  # labels and annotations carry no client
    finally:
        notifications_api(stack, "POST", f"/alerts/{alert['id']}/acknowledge")
