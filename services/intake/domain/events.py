"""What happens in intake, as typed domain events; each holds exactly its contract's fields.

The staff note on a risk flag, the reason a flag was cleared and the screening answers stay in
intake: none of them is a field here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.domain import DomainEvent


@dataclass(frozen=True)
class ContactDetails:
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class FocusArea:
    area: str
    stage: str | None


@dataclass(frozen=True)
class ClientRegistered(DomainEvent):
    TYPE = "intake.client.registered"
    client_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    program: str
    contact: ContactDetails
    preferred_channel: str
    registered_at: datetime
    registered_by: str


@dataclass(frozen=True)
class ClientUpdated(DomainEvent):
    """Staff corrected registration details; carries them all, so consumers simply replace theirs."""

    TYPE = "intake.client.updated"
    client_id: str
    changed_fields: tuple[str, ...]
    given_name: str
    family_name: str
    date_of_birth: date
    program: str
    contact: ContactDetails
    preferred_channel: str
    registered_at: datetime
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class ScreeningCompleted(DomainEvent):
    """Scores, not answers: downstream services measure change; the answers stay in intake."""

    TYPE = "intake.screening.completed"
    client_id: str
    screening_id: str
    instrument: str
    version: str
    total: int | None
    severity: str | None
    positive: bool
    risk_level: str | None
    flags: tuple[str, ...]
    administered_at: datetime
    cutoff: int | None


@dataclass(frozen=True)
class RiskFlagged(DomainEvent):
    TYPE = "intake.risk.flagged"
    client_id: str
    flag_id: str
    urgency: str
    source: str
    instrument: str | None
    screening_id: str | None
    raised_at: datetime
    raised_by: str


@dataclass(frozen=True)
class RiskCleared(DomainEvent):
    TYPE = "intake.risk.cleared"
    client_id: str
    flag_id: str
    cleared_at: datetime
    cleared_by: str


@dataclass(frozen=True)
class ConsentRecorded(DomainEvent):
    TYPE = "intake.consent.recorded"
    client_id: str
    consent_id: str
    kind: str
    signed_on: date
    scope: str | None
    recipients: tuple[str, ...]
    purpose: str | None
    expires_on: date | None


@dataclass(frozen=True)
class ConsentRevoked(DomainEvent):
    TYPE = "intake.consent.revoked"
    client_id: str
    consent_id: str
    kind: str
    revoked_at: datetime


@dataclass(frozen=True)
class ClientAdmitted(DomainEvent):
    TYPE = "intake.client.admitted"
    client_id: str
    program: str
    track: str
    primary_problem_area: FocusArea
    secondary_problem_area: FocusArea | None
    preferred_days: tuple[str, ...]
    preferred_times: tuple[str, ...]
    clinician_preference: str | None
    admitted_at: datetime


@dataclass(frozen=True)
class EmergencyAccessGranted(DomainEvent):
    """A clinician may read one client outside their caseload until `expires_at` (the reason
    stays in intake)."""

    TYPE = "intake.emergency_access.granted"
    grant_id: str
    client_id: str
    staff_id: str
    granted_at: datetime
    expires_at: datetime
