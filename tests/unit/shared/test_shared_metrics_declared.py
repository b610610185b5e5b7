"""Series are declared at start, so a fresh process's /metrics already shows them, at zero."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from shared.metrics import declare_event_series, declare_http_series


def samples(service: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the default registry labelled with `service`: (name, labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(generate_latest(REGISTRY).decode()):
        for sample in family.samples:
            if sample.labels.get("service") == service:
                labels = frozenset((k, v) for k, v in sample.labels.items() if k != "service")
                found[(sample.name, labels)] = sample.value
    return found


def key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


@pytest.fixture
def service() -> str:
    """A service name no other test uses: the default registry lives as long as the test process."""
    return f"declared-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def single_process(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)


def test_http_series_exist_at_zero_for_each_route_before_any_request(service):
    routes = [("GET", "/api/v1/clients/<client_id>"), ("POST", "/api/v1/clients")]
    assert samples(service) == {}

    declare_http_series(service, routes)

    found = samples(service)
    for method, endpoint in routes:
        labels = {"method": method, "endpoint": endpoint}
        assert found[key("http_errors_total", **labels)] == 0
        assert found[key("http_request_duration_seconds_count", **labels)] == 0
        assert found[key("http_request_duration_seconds_sum", **labels)] == 0
        assert found[key("http_request_duration_seconds_bucket", **labels, le="+Inf")] == 0
    # The request counter's status is not known before a response: nothing is invented for it.
    assert not [name for name, _ in found if name.startswith("http_requests")]
    # Only the declared routes: no other method/endpoint pair appears.
    assert {dict(labels)["endpoint"] for _, labels in found} == {endpoint for _, endpoint in routes}


def test_event_series_exist_at_zero_for_the_relay_and_the_consumer(service):
    consumed = ["intake.client.registered.v1", "intake.risk.flagged.v1"]
    published = ["sessions.episode.opened.v1"]
    topics = ["intake.events"]
    assert samples(service) == {}

    declare_event_series(service, "grp-1", consumed, published, topics)

    found = samples(service)
    for event_type in published:
        assert found[key("events_published_total", type=event_type)] == 0
        assert found[key("events_publish_failures_total", type=event_type)] == 0
    for event_type in consumed:
        assert found[key("events_consumed_total", group="grp-1", type=event_type)] == 0
        assert found[key("events_failed_total", group="grp-1", type=event_type)] == 0
        assert found[key("event_handler_duration_seconds_count", group="grp-1", type=event_type)] == 0
        assert found[key("event_end_to_end_seconds_count", group="grp-1", type=event_type)] == 0
    assert found[key("events_retried_total", group="grp-1")] == 0
    assert found[key("events_skipped_total", group="grp-1", reason="duplicate")] == 0
    assert found[key("events_skipped_total", group="grp-1", reason="not_subscribed")] == 0
    # Labelled by the topic read from, as the consumer counts it (not the .dlq topic).
    assert found[key("events_dead_lettered_total", group="grp-1", topic="intake.events")] == 0
    assert found[key("outbox_backlog")] == 0
    assert found[key("outbox_oldest_pending_age_seconds")] == 0


def test_a_worker_without_a_consumer_declares_only_its_relay_series(service):
    declare_event_series(service, None, ["ignored.type.v1"], ["intake.client.registered.v1"], ["intake.events"])

    names = {name for name, _ in samples(service) if not name.endswith("_created")}
    assert names == {
        "events_published_total",
        "events_publish_failures_total",
        "outbox_backlog",
        "outbox_oldest_pending_age_seconds",
    }


def test_declaring_again_keeps_counts_already_made(service):
    from shared.metrics import EVENTS_PUBLISHED

    declare_event_series(service, "grp-1", [], ["t.v1"], [])
    EVENTS_PUBLISHED.labels(service, "t.v1").inc(2)
    declare_event_series(service, "grp-1", [], ["t.v1"], [])

    assert samples(service)[key("events_published_total", type="t.v1")] == 2
