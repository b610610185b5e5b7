"""Consents: to treatment, and 42 CFR Part 2 consents to disclose substance-use records."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
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
    revoke_reason: str | None = None  # stays in intake: the event says only that it was revoked

    @classmethod
    def new(cls, **fields: Any) -> Consent:
        return cls(id=str(uuid.uuid4()), **fields)

    def in_force(self, today: date) -> bool:
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= today)

    def revoke(self, by: str, now: datetime, reason: str | None = None) -> None:
        self.revoked_at, self.revoked_by = now, by
        self.revoke_reason = (reason or "").strip() or None


def check_consent(consent: Consent, program: str) -> None:
    fields = {
        name: getattr(consent, name) for name in ("kind", "signed_on", "scope", "recipients", "purpose", "expires_on")
    }
    errors = consent_problems(fields, consent.recorded_at.date(), program)
    if errors:
        raise Invalid(errors)


def consent_problems(fields: Mapping[str, Any], today: date, program: str | None = None) -> dict[str, list[str]]:
    """What breaks the rules among the consent details given (all at once); `program` is
    checked when known. A detail absent from `fields` is not judged (a form found it malformed
    already); one present but empty is missing."""
    errors: dict[str, list[str]] = {}
    kind = fields.get("kind")
    if "kind" in fields and kind not in CONSENT_KINDS:
        errors["kind"] = [f"Must be one of: {', '.join(CONSENT_KINDS)}."]
    signed_on = fields.get("signed_on")
    if isinstance(signed_on, date) and signed_on > today:
        errors["signed_on"] = ["The signature date cannot be in the future."]
    if kind != PART2_CONSENT:
        return errors
    if program is not None and program not in PART2_PROGRAMS:
        errors["kind"] = ["Part 2 consents apply to substance-use and co-occurring programs only."]
    # The rule's required elements: without them the consent does not authorise disclosure.
    if "scope" in fields and not (fields["scope"] or "").strip():
        errors["scope"] = ["Say what information may be disclosed."]
    if "recipients" in fields and not [r for r in fields["recipients"] or [] if r.strip()]:
        errors["recipients"] = ["Name at least one recipient."]
    if "purpose" in fields and not (fields["purpose"] or "").strip():
        errors["purpose"] = ["Say the purpose of the disclosure."]
    expires_on = fields.get("expires_on")
    if "expires_on" in fields and expires_on is None:
        errors["expires_on"] = ["Give the date this consent expires."]
    elif isinstance(expires_on, date) and isinstance(signed_on, date) and expires_on < signed_on:
        errors["expires_on"] = ["The expiry cannot be before the signature."]
    return errors
