"""Integration events of intake, built field by field from what the domain raised."""
from __future__ import annotations

from typing import Any

from services.intake.domain.admission import Admission
from services.intake.domain.assessment import ProblemArea
from services.intake.domain.client import Client
from services.intake.domain.consent import Consent
from services.intake.domain.risk import RiskFlag
from services.intake.domain.screening import Screening
from shared.uow import UnitOfWork


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def registered(client: Client) -> dict[str, Any]:
    reg = client.registration
    return {"client_id": client.id, "given_name": reg.given_name, "family_name": reg.family_name,
            "date_of_birth": reg.date_of_birth.isoformat(), "program": reg.program,
            "contact": {"email": reg.contact.email, "phone": reg.contact.phone},
            "preferred_channel": reg.preferred_channel, "registered_at": client.registered_at.isoformat(),
            "registered_by": client.registered_by}


def risk_flagged(client: Client, flag: RiskFlag) -> dict[str, Any]:
    # The staff note stays in intake: alerts carry only what a clinician needs to act.
    return {"client_id": client.id, "flag_id": flag.id, "urgency": flag.urgency, "source": flag.source,
            "instrument": flag.instrument, "screening_id": flag.screening_id,
            "raised_at": flag.raised_at.isoformat(), "raised_by": flag.raised_by}


def risk_cleared(client: Client, flag: RiskFlag) -> dict[str, Any]:
    return {"client_id": client.id, "flag_id": flag.id, "cleared_at": _iso(flag.cleared_at),
            "cleared_by": flag.cleared_by}


def consent_recorded(client: Client, consent: Consent) -> dict[str, Any]:
    return {"client_id": client.id, "consent_id": consent.id, "kind": consent.kind,
            "signed_on": consent.signed_on.isoformat(), "scope": consent.scope,
            "recipients": list(consent.recipients), "purpose": consent.purpose,
            "expires_on": _iso(consent.expires_on)}


def consent_revoked(client: Client, consent: Consent) -> dict[str, Any]:
    return {"client_id": client.id, "consent_id": consent.id, "kind": consent.kind,
            "revoked_at": _iso(consent.revoked_at)}


def _area(area: ProblemArea | None) -> dict[str, Any] | None:
    return None if area is None else {"area": area.area, "stage": area.stage}


def admitted(client: Client, admission: Admission) -> dict[str, Any]:
    return {"client_id": client.id, "program": client.registration.program, "track": admission.track,
            "primary_problem_area": _area(admission.problem_areas.primary),
            "secondary_problem_area": _area(admission.problem_areas.secondary),
            "preferred_days": list(admission.preferred_days),
            "preferred_times": list(admission.preferred_times),
            "clinician_preference": admission.clinician_preference,
            "admitted_at": admission.admitted_at.isoformat()}


def screening_completed(screening: Screening) -> dict[str, Any]:
    # Scores, not answers: downstream services measure change; the answers stay in intake.
    return {"client_id": screening.client_id, "screening_id": screening.id,
            "instrument": screening.instrument, "version": screening.version, "total": screening.total,
            "severity": screening.severity, "positive": screening.positive,
            "risk_level": screening.risk_level, "flags": list(screening.flags),
            "administered_at": screening.administered_at.isoformat()}


_FROM_DOMAIN = {
    "registered": ("intake.client.registered", lambda client, _: registered(client)),
    "risk_flagged": ("intake.risk.flagged", risk_flagged),
    "risk_cleared": ("intake.risk.cleared", risk_cleared),
    "consent_recorded": ("intake.consent.recorded", consent_recorded),
    "consent_revoked": ("intake.consent.revoked", consent_revoked),
    "admitted": ("intake.client.admitted", admitted),
}


def publish_raised(client: Client, uow: UnitOfWork) -> None:
    """Turns each domain event the aggregate raised into its integration event, in order."""
    for name, payload in client.events:
        event_type, build = _FROM_DOMAIN[name]
        uow.publish(event_type, 1, subject=client.id, data=build(client, payload))
    client.events.clear()
