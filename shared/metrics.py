"""Prometheus metrics, defined once. Labels carry names of things, never client data.

Web processes run under gunicorn in multiprocess mode (PROMETHEUS_MULTIPROC_DIR is set by the
process environment before start); workers are single processes with a plain registry.
"""
from __future__ import annotations

import os

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

HTTP_REQUESTS = Counter("http_requests", "HTTP requests handled",
                        ["service", "method", "endpoint", "status"])
HTTP_ERRORS = Counter("http_errors", "HTTP responses with a 5xx status",
                      ["service", "method", "endpoint"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency",
                         ["service", "method", "endpoint"])
EVENTS_PUBLISHED = Counter("events_published", "Events acknowledged by Kafka", ["service", "type"])
PUBLISH_FAILURES = Counter("events_publish_failures", "Outbox sends not acknowledged", ["service", "type"])
EVENTS_CONSUMED = Counter("events_consumed", "Events handled successfully", ["service", "group", "type"])
EVENTS_SKIPPED = Counter("events_skipped", "Duplicates and types this group ignores",
                         ["service", "group", "reason"])
EVENTS_FAILED = Counter("events_failed", "Handler attempts that raised", ["service", "group", "type"])
EVENTS_RETRIED = Counter("events_retried", "Attempts that hit a transient fault and will be retried",
                         ["service", "group"])
LAST_HANDLED = Gauge("consumer_last_progress_timestamp_seconds",
                     "When the consumer last finished a message (handled, skipped or parked)",
                     ["service", "group"], multiprocess_mode="mostrecent")
EVENTS_DEAD_LETTERED = Counter("events_dead_lettered", "Messages sent to a dead-letter topic",
                               ["service", "group", "topic"])
HANDLER_LATENCY = Histogram("event_handler_duration_seconds", "Event handler latency",
                            ["service", "group", "type"])
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox records waiting to be published", ["service"],
                       multiprocess_mode="mostrecent")


def render_latest() -> tuple[bytes, str]:
    """The exposition for this process, or for every gunicorn worker in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(DEFAULT_REGISTRY), CONTENT_TYPE_LATEST
