"""Consents: to treatment, and 42 CFR Part 2 consents to disclose substance-use records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.errors import Invalid
from shared.vocabulary import CONSENT_KINDS, PART2_CONSENT, PART2_PROGRAMS


@dataclass
class Consent:
    id: str
    kind: str
    signed_on: date
    signed_by: str  # who signed: the client, or a legal representative (named in words)
    recorded_by: str
    recorded_at: datetime
    # Part 2 elements: what may be disclosed, to whom, why, and until when.
    scope: str | None = None
    recipients: list[str] = field(default_factory=list)
    purpose: str | None = None
    expires_on: date | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @classmethod
    def new(cls, **fields: Any) -> Consent:
        return cls(id=str(uuid.uuid4()), **fields)

    def in_force(self, today: date) -> bool:
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= today)

    def revoke(self, by: str, now: datetime) -> None:
        self.revoked_at, self.revoked_by = now, by


def check_consent(consent: Consent, program: str) -> None:
    errors: dict[str, list[str]] = {}
    if consent.kind not in CONSENT_KINDS:
        errors["kind"] = [f"Must be one of: {', '.join(CONSENT_KINDS)}."]
    if consent.signed_on > consent.recorded_at.date():
        errors["signed_on"] = ["The signature date cannot be in the future."]
    if consent.kind == PART2_CONSENT:
        if program not in PART2_PROGRAMS:
            errors["kind"] = ["Part 2 consents apply to substance-use and co-occurring programs only."]
        # The rule's required elements: without them the consent does not authorise disclosure.
        if not (consent.scope or "").strip():
            errors["scope"] = ["Say what information may be disclosed."]
        if not [r for r in consent.recipients if r.strip()]:
            errors["recipients"] = ["Name at least one recipient."]
        if not (consent.purpose or "").strip():
            errors["purpose"] = ["Say the purpose of the disclosure."]
        if consent.expires_on is None:
            errors["expires_on"] = ["A Part 2 consent needs an expiry date or event."]
        elif consent.expires_on < consent.signed_on:
            errors["expires_on"] = ["The expiry cannot be before the signature."]
    if errors:
        raise Invalid(errors)
