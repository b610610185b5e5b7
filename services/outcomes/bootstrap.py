"""Composition root of the outcomes service: wires real or fake adapters to the handlers."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask
from pymongo.database import Database

from services.outcomes import handlers, self_report
from services.outcomes.adapters import COLLECTIONS
from services.outcomes.adapters.courses import CourseRepository
from services.outcomes.adapters.disclosures import ConsentRepository, DisclosureLog
from services.outcomes.adapters.offers import OfferRepository
from services.outcomes.adapters.projections import AdmissionRepository, EnrolmentRepository, MeasureRepository
from services.outcomes.adapters.summaries import CourseSummaryRepository
from services.outcomes.domain.alerts import AlertPolicy
from services.outcomes.entrypoints.access import ROUTE_ROLES
from services.outcomes.entrypoints.api import clients_api, episodes_api, reports_api
from services.outcomes.entrypoints.self_report_page import page as self_report_page
from services.outcomes.handlers import Policy, Repositories
from services.outcomes.self_report import SelfReport, self_report_settings
from shared.audit_api import audit_api
from shared.config import Settings
from shared.consumer import Handler
from shared.documents import StoreFactory
from shared.emergency_access import EMERGENCY_ACCESS_GRANTED
from shared.emergency_grants import EmergencyGrantRepository, keep_grant
from shared.instruments.registry import screening_cutoffs
from shared.memory import InMemoryDatabase
from shared.mongo_store import MongoDocuments, ensure_indexes, mongo_unit_of_work
from shared.service import build_service_app, finish_service_app, service_database
from shared.supervision import SUPERVISOR_CHANGED
from shared.supervision_records import SupervisionRepository, keep_supervision
from shared.uow import UnitOfWork
from shared.worker import PeriodicTask, WorkerSpec

SERVICE = "outcomes"
EXPIRY_SECONDS = 60.0  # how often the worker closes self-report offers whose time is up


@dataclass
class Dependencies:
    repos: Repositories
    uow: Callable[..., UnitOfWork]
    policy: Policy
    self_report: SelfReport
    memory: InMemoryDatabase | None = None  # the fakes' storage, for tests to inspect


def alert_policy(env: Mapping[str, str]) -> AlertPolicy:
    """OFF_TRACK_SESSION (default 6): the session by which no reliable improvement is off track;
    MEASURES_MISSED_IN_A_ROW (default 3): attended sessions in a row without a measure before the
    clinician is told. Checked at start-up."""
    defaults = AlertPolicy()
    try:
        return AlertPolicy(
            off_track_session=int(env.get("OFF_TRACK_SESSION", defaults.off_track_session)),
            missed_in_a_row=int(env.get("MEASURES_MISSED_IN_A_ROW", defaults.missed_in_a_row)),
        )
    except ValueError as error:
        message = "OFF_TRACK_SESSION and MEASURES_MISSED_IN_A_ROW must be whole numbers of 1 or more"
        raise ValueError(f"{message}: {error}") from error


def _build(
    stores: StoreFactory, uow: Callable[..., UnitOfWork], env: Mapping[str, str], memory: InMemoryDatabase | None = None
) -> Dependencies:
    repos = Repositories(
        enrolments=EnrolmentRepository(stores),
        measures=MeasureRepository(stores),
        courses=CourseRepository(stores),
        admissions=AdmissionRepository(stores),
        summaries=CourseSummaryRepository(stores),
        consents=ConsentRepository(stores),
        disclosures=DisclosureLog(stores),
        emergency=EmergencyGrantRepository(stores),
        supervision=SupervisionRepository(stores),
    )
    policy = Policy(alerts=alert_policy(env), cutoffs=screening_cutoffs(env))
    self_reports = SelfReport(OfferRepository(stores), self_report_settings(env))
    return Dependencies(repos=repos, uow=uow, policy=policy, self_report=self_reports, memory=memory)


def real_dependencies(db: Database[Any]) -> Dependencies:
    return _build(MongoDocuments.factory(db), mongo_unit_of_work(db, SERVICE), os.environ)


def fake_dependencies(env: Mapping[str, str] | None = None) -> Dependencies:
    memory = InMemoryDatabase()
    return _build(memory.stores, memory.unit_of_work(SERVICE), env or {}, memory)


def event_handlers(deps: Dependencies) -> dict[str, Handler]:
    """The routing table: which event types this service consumes, and with which handler."""
    repos, policy, self_reports = deps.repos, deps.policy, deps.self_report
    return {
        "intake.client.registered": partial(handlers.record_enrolment, repos=repos),
        "intake.client.updated": partial(handlers.record_enrolment, repos=repos),
        "intake.screening.completed": partial(handlers.record_screening, repos=repos, policy=policy),
        "intake.client.admitted": partial(handlers.record_admission, repos=repos),
        "intake.consent.recorded": partial(handlers.record_consent, repos=repos),
        "intake.consent.revoked": partial(handlers.revoke_consent, repos=repos),
        "sessions.measure.recorded": partial(handlers.record_session_measure, repos=repos, policy=policy),
        "sessions.episode.opened": partial(handlers.follow_episode_opened, repos=repos, policy=policy),
        "sessions.episode.assigned": partial(handlers.follow_episode_assigned, repos=repos),
        "sessions.session.attended": partial(handlers.follow_session_attended, repos=repos, policy=policy),
        "sessions.episode.closed": partial(
            self_report.follow_episode_closed, repos=repos, policy=policy, self_report=self_reports
        ),
        "sessions.session.scheduled": partial(self_report.offer_before_session, repos=repos, self_report=self_reports),
        "sessions.session.rescheduled": partial(
            self_report.offer_before_session, repos=repos, self_report=self_reports
        ),
        "sessions.session.cancelled": partial(self_report.withdraw_for_cancelled_session, self_report=self_reports),
        EMERGENCY_ACCESS_GRANTED: partial(keep_grant, grants=deps.repos.emergency),
        SUPERVISOR_CHANGED: partial(keep_supervision, supervision=deps.repos.supervision),
    }


def create_app(settings: Settings | None = None, deps: Dependencies | None = None) -> Flask:
    settings = settings or Settings.from_env(SERVICE)
    app = build_service_app(
        settings,
        title="Outcomes API",
        blueprints=[reports_api, clients_api, episodes_api, audit_api],
        route_roles=ROUTE_ROLES,
        dependencies=deps or real_dependencies(service_database(settings)),
    )
    app.register_blueprint(self_report_page)  # the client's page: outside /api and OpenAPI, no sign-in
    return finish_service_app(app, settings)


def worker_spec() -> WorkerSpec:
    return WorkerSpec(
        service=SERVICE,
        build_handlers=lambda db: event_handlers(real_dependencies(db)),
        ensure_indexes=lambda db: ensure_indexes(db, COLLECTIONS),
        build_periodic=lambda db: periodic_tasks(real_dependencies(db)),
    )


def periodic_tasks(deps: Dependencies) -> list[PeriodicTask]:
    """Self-report offers whose time is up are closed (and notifications told) within a minute."""
    expire = partial(self_report.expire_offers, deps.uow, deps.self_report)
    return [PeriodicTask("self-report-expiry", EXPIRY_SECONDS, expire)]
