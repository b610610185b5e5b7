"""Prometheus metrics, defined once. Labels carry names of things, never client data.

Web processes run under gunicorn in multiprocess mode (PROMETHEUS_MULTIPROC_DIR is set by the
process environment before start); workers are single processes with a plain registry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

HTTP_REQUESTS = Counter("http_requests", "HTTP requests handled", ["service", "method", "endpoint", "status"])
HTTP_ERRORS = Counter("http_errors", "HTTP responses with a 5xx status", ["service", "method", "endpoint"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["service", "method", "endpoint"])
EVENTS_PUBLISHED = Counter("events_published", "Events acknowledged by Kafka", ["service", "type"])
PUBLISH_FAILURES = Counter("events_publish_failures", "Outbox sends not acknowledged", ["service", "type"])
EVENTS_CONSUMED = Counter("events_consumed", "Events handled successfully", ["service", "group", "type"])
EVENTS_SKIPPED = Counter("events_skipped", "Duplicates and types this group ignores", ["service", "group", "reason"])
EVENTS_FAILED = Counter("events_failed", "Handler attempts that raised", ["service", "group", "type"])
EVENTS_RETRIED = Counter(
    "events_retried", "Attempts that hit a transient fault and will be retried", ["service", "group"]
)
LAST_HANDLED = Gauge(
    "consumer_last_progress_timestamp_seconds",
    "When the consumer last finished a message (handled, skipped or parked)",
    ["service", "group"],
    multiprocess_mode="mostrecent",
)
EVENTS_DEAD_LETTERED = Counter(
    "events_dead_lettered", "Messages sent to a dead-letter topic", ["service", "group", "topic"]
)
HANDLER_LATENCY = Histogram("event_handler_duration_seconds", "Event handler latency", ["service", "group", "type"])
OUTBOX_BACKLOG = Gauge(
    "outbox_backlog", "Outbox records waiting to be published", ["service"], multiprocess_mode="mostrecent"
)

# Notifications: messages out, given up and retried; label values are types, channels and codes.
NOTIFICATIONS_SENT = Counter(
    "notifications_sent", "Messages accepted by a provider or put in an inbox", ["service", "type", "channel"]
)
NOTIFICATIONS_FAILED = Counter(
    "notifications_failed", "Messages given up for good", ["service", "type", "channel", "reason"]
)
NOTIFICATION_RETRIES = Counter(
    "notification_retries", "Sends that hit a passing fault and will be tried again", ["service", "channel"]
)
NOTIFICATIONS_OVERDUE = Gauge(
    "notifications_overdue",
    "Messages due more than 5 minutes ago and not yet out (seen in the last delivery round)",
    ["service"],
    multiprocess_mode="mostrecent",
)
ALERT_DELIVERY_SECONDS = Histogram(
    "alert_delivery_seconds",
    "From an alert's step to its e-mail accepted by the relay",
    ["service"],
    buckets=(0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900),
)

# The event pipeline seen from outside the consumers: the broker's end offsets against what each group
# committed (a consumer that is stuck or gone still shows its lag growing), and what waits on the
# dead-letter topics. Measured by every worker for its own group and its own topic's dead letters.
CONSUMER_LAG = Gauge(
    "kafka_consumer_lag",
    "Messages on a partition that the consumer group has not committed yet",
    ["service", "group", "topic", "partition"],
    multiprocess_mode="mostrecent",
)
DEAD_LETTER_DEPTH = Gauge(
    "dead_letter_depth",
    "Messages parked on a dead-letter topic and not replayed yet",
    ["service", "topic"],
    multiprocess_mode="mostrecent",
)
EVENT_DELAY = Histogram(
    "event_end_to_end_seconds",
    "From an event's time (its commit at the publisher) to its handling by a consumer",
    ["service", "group", "type"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
)
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_pending_age_seconds",
    "Age of the oldest outbox record not published yet (0 when none waits)",
    ["service"],
    multiprocess_mode="mostrecent",
)

# Clinical activity, counted as its events are published: label values come from controlled
# vocabularies and the instrument library (anything else is counted as "other"), never an id.
REGISTRATIONS = Counter("clinical_registrations", "Clients registered", ["service", "program"])
SCREENINGS = Counter("clinical_screenings", "Screenings scored at intake", ["service", "instrument", "severity"])
ADMISSIONS = Counter("clinical_admissions", "Clients admitted to an IPT track", ["service", "program", "track"])
SESSIONS_HELD = Counter("clinical_sessions", "Sessions attended or missed", ["service", "outcome"])
MEASURES_RECORDED = Counter(
    "clinical_measures_recorded", "Measures recorded for measurement-based care", ["service", "instrument", "source"]
)

# Risk alerts (notifications): how many wait, how many are past their first escalation time, and how
# long staff take to acknowledge them.
CLINICAL_ALERTS_OPEN = Gauge(
    "clinical_alerts_open",
    "Risk alerts not acknowledged or resolved yet",
    ["service", "urgency"],
    multiprocess_mode="mostrecent",
)
CLINICAL_ALERTS_OVERDUE = Gauge(
    "clinical_alerts_unacknowledged_past_escalation",
    "Open risk alerts older than their urgency's escalation interval",
    ["service", "urgency"],
    multiprocess_mode="mostrecent",
)
CLINICAL_ALERT_OLDEST_AGE = Gauge(
    "clinical_alert_oldest_open_age_seconds",
    "Age of the oldest open risk alert (0 when none is open)",
    ["service", "urgency"],
    multiprocess_mode="mostrecent",
)
ALERT_ACKNOWLEDGE_SECONDS = Histogram(
    "clinical_alert_acknowledge_seconds",
    "From a risk alert being raised to its acknowledgement",
    ["service", "urgency"],
    buckets=(30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400),
)


# Why a consumer passes a message by without handling it (EVENTS_SKIPPED's `reason` label).
SKIP_REASONS: tuple[str, ...] = ("duplicate", "not_subscribed")


def declare_http_series(service: str, routes: Iterable[tuple[str, str]]) -> None:
    """Zero-valued error and latency series for each (method, route template) a web app serves.

    Labelled metrics have no series until first used, so a fresh process would expose nothing a
    dashboard or a rate() could start from. HTTP_REQUESTS is left out: its status label is only
    known once a response exists.
    """
    for method, endpoint in routes:
        HTTP_ERRORS.labels(service=service, method=method, endpoint=endpoint)
        HTTP_LATENCY.labels(service=service, method=method, endpoint=endpoint)


def declare_event_series(
    service: str,
    group: str | None,
    consumed_types: Iterable[str],
    published_types: Iterable[str],
    topics: Iterable[str],
) -> None:
    """Zero-valued relay and consumer series for a worker, before its first message.

    `published_types` are the event types the service's outbox relay may send; `group`,
    `consumed_types` and `topics` describe its consumer (its group id, the types it handles and the
    topics it reads: EVENTS_DEAD_LETTERED counts by the topic a message came from, not its `.dlq`).
    Without a consumer `group` is None. The outbox backlog starts at 0 until the relay measures it.
    """
    for event_type in published_types:
        EVENTS_PUBLISHED.labels(service=service, type=event_type)
        PUBLISH_FAILURES.labels(service=service, type=event_type)
    OUTBOX_BACKLOG.labels(service=service).set(0)
    OUTBOX_OLDEST_AGE.labels(service=service).set(0)
    if group is None:
        return
    for event_type in consumed_types:
        EVENTS_CONSUMED.labels(service=service, group=group, type=event_type)
        EVENTS_FAILED.labels(service=service, group=group, type=event_type)
        HANDLER_LATENCY.labels(service=service, group=group, type=event_type)
        EVENT_DELAY.labels(service=service, group=group, type=event_type)
    EVENTS_RETRIED.labels(service=service, group=group)
    for reason in SKIP_REASONS:
        EVENTS_SKIPPED.labels(service=service, group=group, reason=reason)
    for topic in topics:
        EVENTS_DEAD_LETTERED.labels(service=service, group=group, topic=topic)


def render_latest() -> tuple[bytes, str]:
    """The exposition for this process, or for every gunicorn worker in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        # prometheus_client leaves this constructor unannotated (its package is otherwise typed).
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(DEFAULT_REGISTRY), CONTENT_TYPE_LATEST
