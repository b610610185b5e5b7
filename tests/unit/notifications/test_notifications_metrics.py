"""What ops see of notifications: open and overdue risk alerts, time to acknowledge, and every delivery
series at 0 from the start (label values from the vocabularies only)."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import REGISTRY

from services.notifications import handlers
from services.notifications.domain.access import Viewer
from tests.unit.notifications.conftest import NOW
from tests.unit.notifications.test_notifications_escalation import flag, staffed


def sample(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, {"service": "notifications", **labels})


def measure(world, at) -> None:
    handlers.measure_alerts(at, world.deps.repos, world.deps.policy)


def test_open_alerts_and_those_past_their_escalation_time_by_urgency(client_id):
    world = staffed()
    flag(world, client_id, urgency="urgent", flag_id="f-urgent")
    flag(world, client_id, urgency="high", flag_id="f-high")

    measure(world, NOW + timedelta(minutes=14))
    assert sample("clinical_alerts_open", urgency="urgent") == 1
    assert sample("clinical_alerts_open", urgency="high") == 1
    assert sample("clinical_alerts_unacknowledged_past_escalation", urgency="urgent") == 0
    assert sample("clinical_alert_oldest_open_age_seconds", urgency="urgent") == 14 * 60

    measure(world, NOW + timedelta(minutes=15))  # urgent: 15 minutes; high: an hour
    assert sample("clinical_alerts_unacknowledged_past_escalation", urgency="urgent") == 1
    assert sample("clinical_alerts_unacknowledged_past_escalation", urgency="high") == 0

    measure(world, NOW + timedelta(hours=1))
    assert sample("clinical_alerts_unacknowledged_past_escalation", urgency="high") == 1


def test_an_acknowledged_alert_leaves_the_open_count_and_its_wait_is_observed(client_id):
    world = staffed()
    alert = flag(world, client_id, urgency="urgent", flag_id="f-ack")
    count_before = sample("clinical_alert_acknowledge_seconds_count", urgency="urgent") or 0
    sum_before = sample("clinical_alert_acknowledge_seconds_sum", urgency="urgent") or 0

    later = NOW + timedelta(minutes=4)
    handlers.acknowledge_alert(alert.id, Viewer("sup-1", "supervisor"), later, world.deps.uow, world.deps.repos)
    # A second acknowledgement changes nothing and is not observed again.
    handlers.acknowledge_alert(alert.id, Viewer("sup-1", "supervisor"), later, world.deps.uow, world.deps.repos)

    assert sample("clinical_alert_acknowledge_seconds_count", urgency="urgent") == count_before + 1
    assert sample("clinical_alert_acknowledge_seconds_sum", urgency="urgent") == sum_before + 240
    measure(world, NOW + timedelta(hours=2))
    assert sample("clinical_alerts_open", urgency="urgent") == 0
    assert sample("clinical_alerts_unacknowledged_past_escalation", urgency="urgent") == 0
    assert sample("clinical_alert_oldest_open_age_seconds", urgency="urgent") == 0


def test_an_acknowledgement_from_the_workspace_is_observed_too(client_id):
    world = staffed()
    alert = flag(world, client_id, urgency="high", flag_id="f-ws")
    before = sample("clinical_alert_acknowledge_seconds_count", urgency="high") or 0
    world.feed(
        "sessions.alert.acknowledged",
        client_id=client_id,
        alert_id=alert.id,
        acknowledged_by="dr-lee",
        acknowledged_at=NOW + timedelta(minutes=2),
    )
    assert sample("clinical_alert_acknowledge_seconds_count", urgency="high") == before + 1


def test_every_delivery_and_alert_series_is_declared_at_zero():
    handlers.declare_metric_series()
    assert sample("notifications_sent_total", type="appointment_reminder", channel="sms") is not None
    assert sample("notifications_failed_total", type="risk_alert", channel="email", reason="no_address") is not None
    assert sample("notification_retries_total", channel="email") is not None
    assert sample("notifications_overdue") is not None
    assert sample("alert_delivery_seconds_count") is not None
    for urgency in ("urgent", "high"):
        assert sample("clinical_alert_acknowledge_seconds_count", urgency=urgency) is not None
        assert sample("clinical_alerts_unacknowledged_past_escalation", urgency=urgency) is not None


def test_a_risk_alerts_email_accepted_by_the_relay_is_timed(client_id):
    world = staffed()
    before = sample("alert_delivery_seconds_count") or 0
    flag(world, client_id, urgency="urgent", flag_id="f-timed")
    assert world.deliver(NOW + timedelta(seconds=2)) == 1
    assert sample("alert_delivery_seconds_count") == before + 1
