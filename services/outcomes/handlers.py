"""Use cases of the outcomes service."""

from __future__ import annotations

from typing import Any

from services.outcomes.adapters.projections import EnrolmentRepository, MeasureRepository
from services.outcomes.domain.enrolment import Enrolment, clients_per_program
from services.outcomes.domain.measure import Measure
from shared.envelope import Envelope
from shared.uow import UnitOfWork


def record_enrolment(event: Envelope, data: dict[str, Any], uow: UnitOfWork, enrolments: EnrolmentRepository) -> None:
    """From a registration or a correction of it: the latest details win."""
    # Names, birth date and contact stay in intake: outcomes reports never need them.
    enrolments.put(
        Enrolment(client_id=data["client_id"], program=data["program"], registered_at=data["registered_at"]), uow
    )
    uow.commit()


def program_report(enrolments: EnrolmentRepository) -> dict[str, Any]:
    counts = clients_per_program(enrolments.all())
    return {"clients_per_program": counts, "total_clients": sum(counts.values())}


def record_measure(event: Envelope, data: dict[str, Any], uow: UnitOfWork, measures: MeasureRepository) -> None:
    """A screening scored at intake."""
    _record(data["screening_id"], data, uow, measures)


def record_session_measure(event: Envelope, data: dict[str, Any], uow: UnitOfWork, measures: MeasureRepository) -> None:
    """A measure given in a session; a corrected one replaces it (same measure id)."""
    _record(data["measure_id"], data, uow, measures)


def _record(measure_id: str, data: dict[str, Any], uow: UnitOfWork, measures: MeasureRepository) -> None:
    fields = ("client_id", "instrument", "version", "total", "severity", "positive", "administered_at")
    measures.put(Measure(screening_id=measure_id, **{name: data[name] for name in fields}), uow)
    uow.commit()


def measures_for_client(client_id: str, measures: MeasureRepository) -> list[Measure]:
    return measures.for_client(client_id)
