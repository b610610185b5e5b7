"""A referred client, from registration to admission: the intake aggregate."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from services.intake.domain import events
from services.intake.domain.admission import (
    HIGH_FLAG,
    INVENTORY,
    SCREENINGS_DUE,
    URGENT_FLAG,
    Admission,
    Gap,
    Override,
    check_admission,
    check_gaps,
)
from services.intake.domain.admission import (
    TREATMENT_CONSENT as CONSENT_GAP,
)
from services.intake.domain.assessment import (
    EVERY_AREA_ALLOWED,
    Assessment,
    ProblemArea,
    ProblemAreaPolicy,
    ProblemAreas,
)
from services.intake.domain.consent import Consent, check_consent
from services.intake.domain.risk import RiskFlag, risk_from_screening
from shared.domain import Aggregate
from shared.errors import Conflict, Invalid, NotFound
from shared.instruments import ScreeningResult, get_instrument
from shared.roles import RISK_CLEARERS
from shared.vocabulary import CHANNELS, HIGH, PART2_CONSENT, PROGRAMS, SEXES_AT_BIRTH, TREATMENT_CONSENT, URGENT

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


@dataclass(frozen=True)
class Correction:
    """Who corrected which details, when: the names of the fields, never their old values."""

    fields: tuple[str, ...]
    by: str
    at: datetime


# Details staff may correct after registration (a typo, a new phone). The program may change
# only before admission and while no Part 2 consent depends on it.
CORRECTABLE = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex_at_birth",
    "program",
    "contact",
    "preferred_channel",
    "referral",
)


@dataclass
class Client(Aggregate):
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
    corrections: list[Correction] = field(default_factory=list)

    @classmethod
    def register(cls, registration: Registration, by: str, now: datetime) -> Client:
        check_registration(registration, today=now.date())
        client = cls(id=str(uuid.uuid4()), registration=registration, registered_at=now, registered_by=by)
        client.raise_event(
            events.ClientRegistered(
                client_id=client.id, **_published(registration), registered_at=now, registered_by=by
            )
        )
        return client

    def correct_details(self, changes: dict[str, object], by: str, now: datetime) -> tuple[str, ...]:
        """Applies corrected registration details; returns the names of the fields that changed."""
        unknown = sorted(set(changes) - set(CORRECTABLE))
        if unknown:
            raise Invalid({name: ["This detail cannot be changed here."] for name in unknown})
        changes = dict(changes)
        # Contact and referral are merged: sending a new phone keeps the e-mail address.
        for name in ("contact", "referral"):
            part = changes.get(name)
            if isinstance(part, dict):
                changes[name] = replace(getattr(self.registration, name), **part)
        updated = replace(self.registration, **changes)  # type: ignore[arg-type]
        changed = tuple(name for name in CORRECTABLE if getattr(updated, name) != getattr(self.registration, name))
        if not changed:
            return ()
        if "program" in changed:
            self._check_program_change()
        check_registration(updated, today=now.date())
        self.registration = updated
        self.corrections.append(Correction(changed, by, now))
        self.raise_event(
            events.ClientUpdated(
                client_id=self.id,
                changed_fields=changed,
                **_published(updated),
                registered_at=self.registered_at,
                updated_at=now,
                updated_by=by,
            )
        )
        return changed

    def _check_program_change(self) -> None:
        if self.status == ADMITTED:
            raise Invalid({"program": ["The program cannot change after admission."]})
        if any(c.kind == PART2_CONSENT and c.revoked_at is None for c in self.consents):
            raise Invalid({"program": ["A 42 CFR Part 2 consent is on record for this program; revoke it first."]})

    @property
    def program(self) -> str:
        return self.registration.program

    # -- risk ---------------------------------------------------------------------------------
    @property
    def open_risk_flags(self) -> list[RiskFlag]:
        return [flag for flag in self.risk_flags if flag.is_open]

    def screening_recorded(self, screening_id: str, result: ScreeningResult, by: str, now: datetime) -> RiskFlag | None:
        """Raises a flag when the result shows risk; a reassuring result never clears one."""
        finding = risk_from_screening(result)
        if finding is None:
            return None
        urgency, source = finding
        return self._raise_flag(
            RiskFlag.raise_new(source, urgency, by, now, screening_id=screening_id, instrument=result.instrument)
        )

    def measure_showed_risk(
        self, measure_id: str, urgency: str, source: str, instrument: str, by: str, now: datetime
    ) -> RiskFlag | None:
        """A measure given elsewhere — in a session, outside one, or self-reported by the client —
        showed risk: the same flag as at intake, once per measure (a corrected one is published again)."""
        if any(flag.measure_id == measure_id for flag in self.risk_flags):
            return None
        flag = RiskFlag.raise_new(source, urgency, by, now, instrument=instrument, measure_id=measure_id)
        return self._raise_flag(flag)

    def flag_risk(self, urgency: str, by: str, now: datetime, note: str | None) -> RiskFlag:
        return self._raise_flag(RiskFlag.raise_new("manual", urgency, by, now, note=note))

    def _raise_flag(self, flag: RiskFlag) -> RiskFlag:
        self.risk_flags.append(flag)
        # The staff note stays in intake: alerts carry only what a clinician needs to act.
        self.raise_event(
            events.RiskFlagged(
                client_id=self.id,
                flag_id=flag.id,
                urgency=flag.urgency,
                source=flag.source,
                instrument=flag.instrument,
                screening_id=flag.screening_id,
                raised_at=flag.raised_at,
                raised_by=flag.raised_by,
            )
        )
        return flag

    def clear_risk(self, flag_id: str, by: str, role: str, reason: str, now: datetime) -> RiskFlag:
        if role not in RISK_CLEARERS:
            raise Invalid({"role": ["Only a clinician or supervisor can clear a risk flag."]})
        flag = self.risk_flag(flag_id)
        if not flag.is_open:
            raise Conflict("This risk flag was already cleared.")
        flag.clear(by, reason, now)
        self.raise_event(events.RiskCleared(client_id=self.id, flag_id=flag.id, cleared_at=now, cleared_by=by))
        return flag

    def consent(self, consent_id: str) -> Consent:
        found = next((c for c in self.consents if c.id == consent_id), None)
        if found is None:
            raise NotFound(f"consent {consent_id}")
        return found

    def risk_flag(self, flag_id: str) -> RiskFlag:
        for flag in self.risk_flags:
            if flag.id == flag_id:
                return flag
        raise NotFound(f"risk flag {flag_id}")

    # -- consent, assessment, admission -----------------------------------------------------------
    def record_consent(self, consent: Consent) -> Consent:
        check_consent(consent, program=self.registration.program)
        self.consents.append(consent)
        self.raise_event(
            events.ConsentRecorded(
                client_id=self.id,
                consent_id=consent.id,
                kind=consent.kind,
                signed_on=consent.signed_on,
                scope=consent.scope,
                recipients=tuple(consent.recipients),
                purpose=consent.purpose,
                expires_on=consent.expires_on,
            )
        )
        return consent

    def revoke_consent(self, consent_id: str, by: str, now: datetime, reason: str | None = None) -> Consent:
        consent = self.consent(consent_id)
        if consent.revoked_at is not None:
            raise Conflict("This consent was already revoked.")
        consent.revoke(by, now, reason)
        self.raise_event(
            events.ConsentRevoked(client_id=self.id, consent_id=consent.id, kind=consent.kind, revoked_at=now)
        )
        return consent

    def has_treatment_consent(self, today: date) -> bool:
        return any(c.kind == TREATMENT_CONSENT and c.in_force(today) for c in self.consents)

    def record_assessment(self, assessment: Assessment, policy: ProblemAreaPolicy = EVERY_AREA_ALLOWED) -> None:
        # After admission the course's own records take over; an inventory still missing (an
        # admission overridden without one) may be recorded once.
        if self.status == ADMITTED and self.assessment is not None:
            raise Conflict("The client is already admitted; the assessment is closed.")
        self._check_areas(assessment.problem_areas, policy)
        self.assessment = assessment

    def admission_gaps(self, due_screenings: tuple[str, ...], today: date, role: str) -> list[Gap]:
        """What is missing before admission, blocking first; empty when the client is ready."""
        gaps: list[Gap] = []
        if not self.has_treatment_consent(today):
            gaps.append(Gap(CONSENT_GAP, "Record the client's consent to treatment before admission.", blocking=True))
        open_urgencies = {flag.urgency for flag in self.open_risk_flags}
        if URGENT in open_urgencies:
            # A clinician's review comes first: clearing the flag, or a clinician admitting with a reason.
            gaps.append(
                Gap(
                    URGENT_FLAG,
                    "An urgent risk flag is open: a clinician must review it before admission.",
                    blocking=role not in RISK_CLEARERS,
                )
            )
        if HIGH in open_urgencies:
            gaps.append(Gap(HIGH_FLAG, "A high risk flag is open.", blocking=False))
        if due_screenings:
            names = ", ".join(get_instrument(code).name for code in due_screenings)
            gaps.append(Gap(SCREENINGS_DUE, f"Screenings still due for this program: {names}.", blocking=False))
        if self.assessment is None:
            gaps.append(Gap(INVENTORY, "No interpersonal inventory is recorded.", blocking=False))
        return gaps

    def admit(
        self,
        admission: Admission,
        gaps: list[Gap],
        override_reason: str | None = None,
        policy: ProblemAreaPolicy = EVERY_AREA_ALLOWED,
    ) -> Admission:
        """Admits when nothing blocks and every other gap is overridden with a reason; refuses
        once, naming every problem with the form and every gap, otherwise."""
        if self.status == ADMITTED:
            raise Conflict("The client is already admitted.")
        errors = self._area_errors(admission.problem_areas, policy) | check_admission(admission)
        check_gaps(gaps, override_reason, errors)
        overridden = tuple(gap.item for gap in gaps if not gap.blocking)
        if overridden:
            reason = (override_reason or "").strip()
            admission = replace(admission, override=Override(reason, overridden, admission.admitted_by))
        self.admission = admission
        self.status = ADMITTED
        areas = admission.problem_areas
        self.raise_event(
            events.ClientAdmitted(
                client_id=self.id,
                program=self.registration.program,
                track=admission.track,
                primary_problem_area=_focus(areas.primary),
                secondary_problem_area=None if areas.secondary is None else _focus(areas.secondary),
                preferred_days=admission.preferred_days,
                preferred_times=admission.preferred_times,
                clinician_preference=admission.clinician_preference,
                admitted_at=admission.admitted_at,
            )
        )
        return admission

    def _area_errors(self, areas: ProblemAreas, policy: ProblemAreaPolicy) -> dict[str, list[str]]:
        return areas.check(policy.allowed(self.registration.program))

    def _check_areas(self, areas: ProblemAreas, policy: ProblemAreaPolicy) -> None:
        errors = self._area_errors(areas, policy)
        if errors:
            raise Invalid(errors)


def _published(reg: Registration) -> dict[str, Any]:
    """The registration details other services are told (sex at birth and referral stay here)."""
    return {
        "given_name": reg.given_name,
        "family_name": reg.family_name,
        "date_of_birth": reg.date_of_birth,
        "program": reg.program,
        "contact": events.ContactDetails(email=reg.contact.email, phone=reg.contact.phone),
        "preferred_channel": reg.preferred_channel,
    }


def _focus(area: ProblemArea) -> events.FocusArea:
    return events.FocusArea(area=area.area, stage=area.stage)


def check_registration(registration: Registration, today: date) -> None:
    errors = registration_problems(
        {
            "program": registration.program,
            "preferred_channel": registration.preferred_channel,
            "sex_at_birth": registration.sex_at_birth,
            "date_of_birth": registration.date_of_birth,
            "referral": registration.referral,
            "contact": registration.contact,
        },
        today,
    )
    if errors:
        raise Invalid(errors)


def registration_problems(fields: Mapping[str, Any], today: date) -> dict[str, list[str]]:
    """What breaks the rules among the details given; details not given are not judged, so a
    form can show these beside its other errors, all at once."""
    errors: dict[str, list[str]] = {}
    if "program" in fields and fields["program"] not in PROGRAMS:
        errors["program"] = [f"Must be one of: {', '.join(PROGRAMS)}."]
    if "preferred_channel" in fields and fields["preferred_channel"] not in CHANNELS:
        errors["preferred_channel"] = [f"Must be one of: {', '.join(CHANNELS)}."]
    if fields.get("sex_at_birth") is not None and fields["sex_at_birth"] not in SEXES_AT_BIRTH:
        errors["sex_at_birth"] = [f"Must be one of: {', '.join(SEXES_AT_BIRTH)}."]
    born = fields.get("date_of_birth")
    if isinstance(born, date) and born > today:
        errors["date_of_birth"] = ["The date of birth cannot be in the future."]
    elif isinstance(born, date) and born.year < today.year - 120:
        errors["date_of_birth"] = ["The date of birth is more than 120 years ago; check the year."]
    referred = _part(fields.get("referral"), "date")
    if isinstance(referred, date) and referred > today:
        errors["referral.date"] = ["The referral date cannot be in the future."]
    # A reminder channel with nowhere to send to would silently drop every reminder.
    channel, contact = fields.get("preferred_channel"), fields.get("contact")
    if contact is not None and channel == "sms" and not _part(contact, "phone"):
        errors["contact.phone"] = ["A phone number is needed for reminders by text message."]
    if contact is not None and channel == "email" and not _part(contact, "email"):
        errors["contact.email"] = ["An email address is needed for reminders by email."]
    return errors


def _part(value: object, name: str) -> object:
    """A field of a nested detail, whether a dataclass or a parsed mapping."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def name_key(given_name: str, family_name: str) -> str:
    """Case-, accent-space-insensitive key for duplicate detection."""

    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(ch for ch in decomposed if ch.isalnum())

    return f"{fold(family_name)}|{fold(given_name)}"
