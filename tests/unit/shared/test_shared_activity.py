"""Clinical activity counters: bounded, de-identified label values, declared at 0 before any event."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client import REGISTRY

from shared.activity import ACTIVITIES, count_published, declare_activity_series, severity_label
from shared.contracts import all_contracts
from shared.instruments import INSTRUMENTS


@pytest.fixture
def service() -> str:
    """A service name no other test uses: the default registry lives as long as the test process."""
    return f"activity-{uuid.uuid4().hex[:8]}"


def value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def series_of(service: str) -> list[dict[str, str]]:
    return [
        sample.labels
        for family in REGISTRY.collect()
        for sample in family.samples
        if sample.labels.get("service") == service and sample.name.endswith("_total")
    ]


def test_every_counted_type_is_a_published_contract():
    published = {contract.type for contract in all_contracts()}
    assert set(ACTIVITIES) <= published


def test_a_registration_counts_by_program(service):
    count_published(service, "intake.client.registered", {"program": "substance_use", "client_id": "c-1"})
    assert value("clinical_registrations_total", service=service, program="substance_use") == 1


def test_screenings_count_by_instrument_and_severity_band(service):
    count_published(service, "intake.screening.completed", {"instrument": "phq9", "severity": "moderately_severe"})
    count_published(service, "intake.screening.completed", {"instrument": "phq2", "severity": None})
    count_published(service, "intake.screening.completed", {"instrument": "cssrs_screen", "severity": "high"})
    assert value("clinical_screenings_total", service=service, instrument="phq9", severity="moderately_severe") == 1
    assert value("clinical_screenings_total", service=service, instrument="phq2", severity="none") == 1
    assert value("clinical_screenings_total", service=service, instrument="cssrs_screen", severity="high") == 1


def test_sessions_admissions_and_measures_are_counted(service):
    count_published(service, "intake.client.admitted", {"program": "co_occurring", "track": "group"})
    count_published(service, "sessions.session.attended", {"session_id": "s-1"})
    count_published(service, "sessions.session.no_show", {"session_id": "s-2"})
    count_published(service, "outcomes.score.recorded", {"instrument": "gad7", "source": "self_report"})
    assert value("clinical_admissions_total", service=service, program="co_occurring", track="group") == 1
    assert value("clinical_sessions_total", service=service, outcome="attended") == 1
    assert value("clinical_sessions_total", service=service, outcome="no_show") == 1
    assert value("clinical_measures_recorded_total", service=service, instrument="gad7", source="self_report") == 1


def test_values_outside_the_vocabularies_never_become_label_values(service):
    client_id = str(uuid.uuid4())
    count_published(service, "intake.client.registered", {"program": client_id})
    count_published(service, "intake.screening.completed", {"instrument": client_id, "severity": "Jane Doe"})
    count_published(service, "intake.screening.completed", {"instrument": "gad7", "severity": "moderately_severe"})
    count_published(service, "outcomes.score.recorded", {"instrument": "phq9", "source": {"nested": 1}})

    assert value("clinical_registrations_total", service=service, program="other") == 1
    assert value("clinical_screenings_total", service=service, instrument="other", severity="other") == 1
    # A band of another instrument is not one GAD-7 gives.
    assert value("clinical_screenings_total", service=service, instrument="gad7", severity="other") == 1
    assert value("clinical_measures_recorded_total", service=service, instrument="phq9", source="other") == 1
    labels = {v for sample in series_of(service) for v in sample.values()}
    assert client_id not in labels and "Jane Doe" not in labels


def test_other_event_types_count_nothing(service):
    count_published(service, "intake.risk.flagged", {"urgency": "urgent", "client_id": "c-1"})
    assert series_of(service) == []


def test_a_worker_declares_its_published_types_at_zero(service):
    declare_activity_series(service, ["intake.client.registered", "intake.screening.completed", "intake.risk.flagged"])

    assert value("clinical_registrations_total", service=service, program="mental_health") == 0
    for instrument in INSTRUMENTS:
        assert value("clinical_screenings_total", service=service, instrument=instrument, severity="none") == 0
    assert value("clinical_screenings_total", service=service, instrument="phq9", severity="severe") == 0
    assert value("clinical_screenings_total", service=service, instrument="audit", severity="harmful") == 0
    # Only what this service publishes: sessions and outcomes declare their own.
    assert value("clinical_sessions_total", service=service, outcome="attended") is None
    assert value("clinical_admissions_total", service=service, program="mental_health", track="individual") is None


def test_severity_bands_are_bounded_per_instrument():
    assert severity_label("phq9", "mild") == "mild"
    assert severity_label("phq9", "low_risk") == "other"
    assert severity_label("dast10", "substantial") == "substantial"
    assert severity_label("nonsense", "mild") == "other"
    assert severity_label("pcl5", None) == "none"
