"""Composition root of the notifications service: wires real or fake adapters to the handlers."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask import Flask
from pymongo.database import Database

from services.notifications import handlers, settings
from services.notifications.adapters import COLLECTIONS
from services.notifications.adapters.alerts import AlertRepository
from services.notifications.adapters.email import SmtpChannel
from services.notifications.adapters.notifications import NotificationRepository
from services.notifications.adapters.people import PreferenceRepository, StaffRepository
from services.notifications.adapters.recipients import RecipientRepository
from services.notifications.adapters.sms import HttpSmsChannel
from services.notifications.domain.delivery import Channel, OutgoingMessage
from services.notifications.domain.policy import Policy
from services.notifications.domain.rules import EMAIL, SMS
from services.notifications.entrypoints.access import ROUTE_ROLES
from services.notifications.entrypoints.api import (
    alerts_api,
    clients_api,
    notifications_api,
    on_call_api,
    recipients_api,
    staff_api,
)
from services.notifications.handlers import Repositories
from services.notifications.settings import Timers
from shared.audit_api import audit_api
from shared.config import Settings
from shared.consumer import Handler
from shared.documents import StoreFactory
from shared.emergency_access import EMERGENCY_ACCESS_GRANTED
from shared.emergency_grants import EmergencyGrantRepository, keep_grant
from shared.envelope import utcnow
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.service import build_service_app, finish_service_app, service_database
from shared.supervision import SUPERVISOR_CHANGED
from shared.supervision_records import SupervisionRepository, keep_supervision
from shared.uow import UnitOfWork
from shared.web import AUDITED_LISTS_KEY
from shared.worker import PeriodicTask, WorkerSpec

SERVICE = "notifications"
# Lists that can name many clients leave an audit line even without a client id in the request.
AUDITED_LISTS = ("notifications.Notifications", "alerts.Alerts")


class RecordingChannel:
    """A channel that keeps what it is asked to send (unit tests and `fake_dependencies`)."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)


@dataclass
class Dependencies:
    repos: Repositories
    uow: Callable[..., UnitOfWork]
    policy: Policy
    channels: Mapping[str, Channel]
    timers: Timers = field(default_factory=Timers)
    memory: InMemoryDatabase | None = None  # the fakes' storage, for tests to inspect

    # The repositories by name, as the handlers' callers use them most.
    @property
    def alerts(self) -> AlertRepository:
        return self.repos.alerts

    @property
    def recipients(self) -> RecipientRepository:
        return self.repos.recipients


def _build(
    stores: StoreFactory,
    uow: Callable[..., UnitOfWork],
    env: Mapping[str, str],
    channels: Mapping[str, Channel],
    memory: InMemoryDatabase | None = None,
) -> Dependencies:
    repos = Repositories(
        recipients=RecipientRepository(stores),
        preferences=PreferenceRepository(stores),
        alerts=AlertRepository(stores),
        notifications=NotificationRepository(stores),
        staff=StaffRepository(stores),
        emergency=EmergencyGrantRepository(stores),
        supervision=SupervisionRepository(stores),
    )
    return Dependencies(
        repos=repos, uow=uow, policy=settings.policy(env), channels=channels, timers=settings.timers(env), memory=memory
    )


def real_channels(env: Mapping[str, str]) -> dict[str, Channel]:
    return {EMAIL: SmtpChannel(settings.smtp(env)), SMS: HttpSmsChannel(settings.sms(env))}


def real_dependencies(db: Database[Any], env: Mapping[str, str] | None = None) -> Dependencies:
    env = os.environ if env is None else env
    return _build(MongoDocuments.factory(db), mongo_unit_of_work(db, SERVICE), env, real_channels(env))


def fake_dependencies(env: Mapping[str, str] | None = None) -> Dependencies:
    memory = InMemoryDatabase()
    channels = {EMAIL: RecordingChannel(), SMS: RecordingChannel()}
    return _build(memory.stores, memory.unit_of_work(SERVICE), env or {}, channels, memory)


def event_handlers(deps: Dependencies) -> dict[str, Handler]:
    """The routing table: which event types this service consumes, and with which handler. Which
    messages each makes, when and how, is the rules table (`domain/rules.py`)."""
    repos, policy = deps.repos, deps.policy
    plan = partial(handlers.plan_client_messages, repos=repos, policy=policy)
    return {
        "intake.client.registered": partial(handlers.remember_recipient, repos=repos),
        "intake.client.updated": partial(handlers.remember_recipient, repos=repos),
        "intake.risk.flagged": partial(handlers.raise_alert_for_risk_flag, repos=repos, policy=policy),
        "intake.risk.cleared": partial(handlers.resolve_alert_for_cleared_flag, repos=repos),
        "sessions.alert.acknowledged": partial(handlers.acknowledge_from_workspace, repos=repos),
        "sessions.episode.assigned": partial(handlers.follow_assignment, repos=repos),
        "sessions.episode.closed": partial(handlers.follow_episode_closed, repos=repos),
        "sessions.session.scheduled": plan,
        "sessions.session.rescheduled": plan,
        "sessions.session.cancelled": plan,
        "sessions.session.no_show": plan,
        "outcomes.self_report.offered": plan,
        "outcomes.self_report.withdrawn": plan,
        "outcomes.alert.raised": partial(handlers.notify_outcome_alert, repos=repos, policy=policy),
        EMERGENCY_ACCESS_GRANTED: partial(keep_grant, grants=deps.repos.emergency),
        SUPERVISOR_CHANGED: partial(keep_supervision, supervision=deps.repos.supervision),
    }


def periodic_tasks(deps: Dependencies) -> list[PeriodicTask]:
    return [
        PeriodicTask(
            "escalate-alerts",
            deps.timers.escalation_check_seconds,
            lambda: handlers.escalate_due_alerts(utcnow(), deps.uow, deps.repos, deps.policy),
        ),
        PeriodicTask(
            "measure-alerts",
            deps.timers.escalation_check_seconds,
            lambda: handlers.measure_alerts(utcnow(), deps.repos, deps.policy),
        ),
        PeriodicTask(
            "deliver-notifications",
            deps.timers.delivery_seconds,
            lambda: handlers.deliver_due(utcnow(), deps.uow, deps.repos, deps.policy, deps.channels),
        ),
    ]


def create_app(settings_: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings_ = settings_ or Settings.from_env(SERVICE)
    app = build_service_app(
        settings_,
        title="Notifications API",
        blueprints=[notifications_api, alerts_api, clients_api, on_call_api, staff_api, recipients_api, audit_api],
        route_roles=ROUTE_ROLES,
        dependencies=deps or real_dependencies(service_database(settings_)),
    )
    app.config[AUDITED_LISTS_KEY] = AUDITED_LISTS
    handlers.declare_acknowledgement_series()
    return finish_service_app(app, settings_)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(
        service=SERVICE,
        build_handlers=lambda db: event_handlers(real_dependencies(db)),
        ensure_indexes=lambda db: ensure_indexes(db, COLLECTIONS),
        build_periodic=lambda db: periodic_tasks(real_dependencies(db)),
        declare_metrics=handlers.declare_metric_series,
    )
