"""42 CFR Part 2 disclosures of a client's measures: whether a consent in force names the recipient,
the notice every disclosure carries, and the record each disclosure leaves for the client's
accounting of disclosures.

Outcomes keeps the Part 2 consents intake publishes (`intake.consent.recorded` / `.revoked`): a
revocation stops disclosure as soon as its event is handled here. A recipient is matched by its
name as the consent gives it, ignoring case and spacing only: anything fuzzier could disclose to
someone the client never named. A purpose given with the disclosure is matched the same way against
the consent's (§2.31(a)(4): the client consents to a disclosure for a purpose, not for any).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from services.outcomes.domain.measure import Measure
from shared.errors import NotAllowed
from shared.vocabulary import PART2_CONSENT

# 42 CFR §2.32(a)(1) (2024 rule): the statement that accompanies each disclosure made with consent.
REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony that "
    "describes the information contained in this record, in any civil, criminal, administrative, or "
    "legislative proceedings by any Federal, State, or local authority, against the patient, unless "
    "authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized "
    "by a court in accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from "
    "making any other use or disclosure of this record unless at least one of the following applies: "
    "(i) Further use or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. "
    "(ii) You are a covered entity or business associate and have received the record for treatment, "
    "payment, or health care operations, or (iii) You have received the record from a covered entity or "
    "business associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for "
    "the release of medical or other information is NOT sufficient to meet the required elements of "
    "written consent to further use or redisclose the record (see 42 CFR 2.31)."
)
# §2.32(a)(2): the abbreviated statement, short enough for a response header.
REDISCLOSURE_NOTICE_SHORT = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
NO_CONSENT = "No consent in force names that recipient."
OTHER_PURPOSE = "The consent in force for that recipient is for another purpose."
RECIPIENT_REQUIRED = "These records fall under 42 CFR Part 2: name the recipient of the disclosure."


@dataclass(frozen=True)
class DisclosureConsent:
    """A client's consent to disclose, as intake published it (no signature details, no reason)."""

    consent_id: str
    client_id: str
    kind: str
    recipients: tuple[str, ...] = ()
    purpose: str | None = None
    scope: str | None = None
    signed_on: date | None = None
    expires_on: date | None = None  # the last day it is in force
    revoked_at: datetime | None = None

    def recorded_again(self, earlier: DisclosureConsent | None) -> DisclosureConsent:
        """A revocation already handled stays, whatever order the events came in."""
        if earlier is None or earlier.revoked_at is None:
            return self
        return replace(self, revoked_at=earlier.revoked_at)

    def revoked(self, at: datetime) -> DisclosureConsent:
        return self if self.revoked_at is not None else replace(self, revoked_at=at)

    def in_force(self, today: date) -> bool:
        unexpired = self.expires_on is None or self.expires_on >= today
        return self.kind == PART2_CONSENT and self.revoked_at is None and unexpired

    def names(self, recipient: str) -> bool:
        wanted = same_recipient(recipient)
        return bool(wanted) and any(same_recipient(named) == wanted for named in self.recipients)

    def covers(self, purpose: str | None) -> bool:
        """Whether a disclosure for `purpose` is within the consent: no purpose given means the
        consent's own; a consent that names none covers any."""
        if purpose is None or not purpose.strip() or self.purpose is None:
            return True
        return same_recipient(purpose) == same_recipient(self.purpose)


def same_recipient(name: str) -> str:
    """A recipient's name (or a purpose) compared without regard to case or spacing, and nothing else."""
    return " ".join(name.split()).casefold()


def consent_in_force(
    consents: Iterable[DisclosureConsent], recipient: str, today: date, purpose: str | None = None
) -> DisclosureConsent | None:
    """The consent that allows disclosing to `recipient` today for `purpose`: the latest signed of
    those that do."""
    allowing = [c for c in consents if c.in_force(today) and c.names(recipient) and c.covers(purpose)]
    return max(allowing, key=lambda c: (c.signed_on or date.min, c.consent_id), default=None)


def may_disclose(consents: Iterable[DisclosureConsent], recipient: str, today: date) -> bool:
    """A Part 2 consent, not revoked, not expired (it expires after `expires_on`), naming the recipient."""
    return consent_in_force(consents, recipient, today) is not None


def authorise(
    part2: bool, recipient: str | None, consents: Iterable[DisclosureConsent], today: date, purpose: str | None = None
) -> DisclosureConsent | None:
    """The consent a disclosure rests on: none needed without Part 2 data; with it, NotAllowed
    unless a consent in force names the recipient, for the purpose given."""
    if not part2:
        return None
    if not recipient or not recipient.strip():
        raise NotAllowed(RECIPIENT_REQUIRED)
    given = list(consents)
    consent = consent_in_force(given, recipient, today, purpose)
    if consent is None:
        raise NotAllowed(OTHER_PURPOSE if consent_in_force(given, recipient, today) else NO_CONSENT)
    return consent


@dataclass(frozen=True)
class Disclosure:
    """One export of a client's measures to someone outside the treating team, as the client's
    accounting of disclosures shows it: who, to whom, why, under which consent, what (instruments
    and how many measures, never answers or scores), when, and whether the notice went with it."""

    id: str
    client_id: str
    disclosed_by: str
    role: str
    recipient: str
    purpose: str | None
    consent_id: str | None
    part2: bool
    instruments: tuple[str, ...]
    measures: int
    notice_included: bool
    disclosed_at: datetime


def disclosure_of(
    client_id: str,
    measures: Iterable[Measure],
    by: tuple[str, str],
    recipient: str,
    purpose: str | None,
    consent: DisclosureConsent | None,
    part2: bool,
    now: datetime,
) -> Disclosure:
    """The record of one disclosure; without a purpose given, the consent's purpose is the one it rests on."""
    exported = list(measures)
    sub, role = by
    return Disclosure(
        id=str(uuid.uuid4()),
        client_id=client_id,
        disclosed_by=sub,
        role=role,
        recipient=" ".join(recipient.split()),
        purpose=(purpose or "").strip() or (consent.purpose if consent else None),
        consent_id=consent.consent_id if consent else None,
        part2=part2,
        instruments=tuple(sorted({m.instrument for m in exported})),
        measures=len(exported),
        notice_included=part2,
        disclosed_at=now,
    )
