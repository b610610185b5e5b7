"""A referred client, from registration to admission: the intake aggregate."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from services.intake.domain.admission import Admission, check_admission
from services.intake.domain.assessment import Assessment, ProblemAreaPolicy, ProblemAreas
from services.intake.domain.consent import Consent, check_consent
from services.intake.domain.errors import Conflict, NotFound, RuleViolation
from services.intake.domain.risk import CLEARING_ROLES, RiskFlag, risk_from_screening
from shared.instruments import ScreeningResult

PROGRAMS = ("mental_health", "substance_use", "co_occurring")
PART2_PROGRAMS = ("substance_use", "co_occurring")
CHANNELS = ("sms", "email", "none")
SEXES = ("male", "female", "other", "unknown")
REFERRED, ADMITTED = "referred", "admitted"


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Referral:
    source: str | None = None
    date: date | None = None


@dataclass(frozen=True)
class Registration:
    given_name: str
    family_name: str
    date_of_birth: date
    program: str
    contact: Contact
    preferred_channel: str
    sex_at_birth: str | None = None
    referral: Referral = field(default_factory=Referral)


@dataclass
class Client:
    id: str
    registration: Registration
    registered_at: datetime
    registered_by: str
    status: str = REFERRED
    version: int = 0
    risk_flags: list[RiskFlag] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    assessment: Assessment | None = None
    admission: Admission | None = None
    # Domain events raised since loading, as (name, payload object); handlers publish them.
    events: list[tuple[str, object]] = field(default_factory=list, repr=False, compare=False,
                                             metadata={"transient": True})

    @classmethod
    def register(cls, registration: Registration, by: str, now: datetime) -> "Client":
        check_registration(registration, today=now.date())
        client = cls(id=str(uuid.uuid4()), registration=registration, registered_at=now, registered_by=by)
        client.events.append(("registered", client))
        return client

    # -- risk ---------------------------------------------------------------------------------
    @property
    def open_risk_flags(self) -> list[RiskFlag]:
        return [flag for flag in self.risk_flags if flag.is_open]

    def screening_recorded(self, screening_id: str, result: ScreeningResult, by: str,
                           now: datetime) -> RiskFlag | None:
        """Raises a flag when the result shows risk; a reassuring result never clears one."""
        finding = risk_from_screening(result)
        if finding is None:
            return None
        urgency, source = finding
        return self._raise_flag(RiskFlag.raise_new(source, urgency, by, now, screening_id=screening_id,
                                                   instrument=result.instrument))

    def flag_risk(self, urgency: str, by: str, now: datetime, note: str | None) -> RiskFlag:
        return self._raise_flag(RiskFlag.raise_new("manual", urgency, by, now, note=note))

    def _raise_flag(self, flag: RiskFlag) -> RiskFlag:
        self.risk_flags.append(flag)
        self.events.append(("risk_flagged", flag))
        return flag

    def clear_risk(self, flag_id: str, by: str, role: str, reason: str, now: datetime) -> RiskFlag:
        if role not in CLEARING_ROLES:
            raise RuleViolation({"role": ["Only a clinician or supervisor can clear a risk flag."]})
        flag = self._flag(flag_id)
        if not flag.is_open:
            raise Conflict("This risk flag was already cleared.")
        flag.clear(by, reason, now)
        self.events.append(("risk_cleared", flag))
        return flag

    def _flag(self, flag_id: str) -> RiskFlag:
        for flag in self.risk_flags:
            if flag.id == flag_id:
                return flag
        raise NotFound(f"risk flag {flag_id}")

    # -- consent, assessment, admission -----------------------------------------------------------
    def record_consent(self, consent: Consent) -> Consent:
        check_consent(consent, program=self.registration.program, part2_programs=PART2_PROGRAMS)
        self.consents.append(consent)
        self.events.append(("consent_recorded", consent))
        return consent

    def revoke_consent(self, consent_id: str, by: str, now: datetime) -> Consent:
        consent = next((c for c in self.consents if c.id == consent_id), None)
        if consent is None:
            raise NotFound(f"consent {consent_id}")
        if consent.revoked_at is not None:
            raise Conflict("This consent was already revoked.")
        consent.revoke(by, now)
        self.events.append(("consent_revoked", consent))
        return consent

    def has_treatment_consent(self, today: date) -> bool:
        return any(c.kind == "treatment" and c.in_force(today) for c in self.consents)

    def record_assessment(self, assessment: Assessment, policy: ProblemAreaPolicy = ProblemAreaPolicy()) -> None:
        if self.status == ADMITTED:
            raise Conflict("The client is already admitted; the assessment is closed.")
        self._check_areas(assessment.problem_areas, policy)
        self.assessment = assessment

    def admit(self, admission: Admission, now: datetime, policy: ProblemAreaPolicy = ProblemAreaPolicy()) -> None:
        if self.status == ADMITTED:
            raise Conflict("The client is already admitted.")
        self._check_areas(admission.problem_areas, policy)
        check_admission(admission, has_treatment_consent=self.has_treatment_consent(now.date()))
        self.admission = admission
        self.status = ADMITTED
        self.events.append(("admitted", admission))

    def _check_areas(self, areas: ProblemAreas, policy: ProblemAreaPolicy) -> None:
        errors = areas.check(policy.allowed(self.registration.program))
        if errors:
            raise RuleViolation(errors)


def check_registration(registration: Registration, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if registration.program not in PROGRAMS:
        errors["program"] = [f"Must be one of: {', '.join(PROGRAMS)}."]
    if registration.preferred_channel not in CHANNELS:
        errors["preferred_channel"] = [f"Must be one of: {', '.join(CHANNELS)}."]
    if registration.sex_at_birth is not None and registration.sex_at_birth not in SEXES:
        errors["sex_at_birth"] = [f"Must be one of: {', '.join(SEXES)}."]
    if registration.date_of_birth > today:
        errors["date_of_birth"] = ["Date of birth cannot be in the future."]
    elif registration.date_of_birth.year < today.year - 120:
        errors["date_of_birth"] = ["Date of birth is more than 120 years ago; check the year."]
    if registration.referral.date is not None and registration.referral.date > today:
        errors["referral.date"] = ["The referral date cannot be in the future."]
    # A reminder channel with nowhere to send to would silently drop every reminder.
    if registration.preferred_channel == "sms" and not registration.contact.phone:
        errors["contact.phone"] = ["A phone number is needed when the preferred channel is sms."]
    if registration.preferred_channel == "email" and not registration.contact.email:
        errors["contact.email"] = ["An email address is needed when the preferred channel is email."]
    if errors:
        raise RuleViolation(errors)


def name_key(given_name: str, family_name: str) -> str:
    """Case-, accent-space-insensitive key for duplicate detection."""
    import unicodedata

    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(ch for ch in decomposed if ch.isalnum())

    return f"{fold(family_name)}|{fold(given_name)}"
