"""The pure rules of a 42 CFR Part 2 disclosure: grant, use, expire, revoke, the notice and the record."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.outcomes.domain.disclosure import (
    NO_CONSENT,
    REDISCLOSURE_NOTICE,
    REDISCLOSURE_NOTICE_SHORT,
    DisclosureConsent,
    authorise,
    consent_in_force,
    disclosure_of,
    may_disclose,
)
from services.outcomes.domain.measure import Measure
from shared.errors import NotAllowed

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def consent(**changes) -> DisclosureConsent:
    fields = {
        "consent_id": "consent-1",
        "client_id": "client-1",
        "kind": "part2_disclosure",
        "recipients": ("County Probation Office", "Dr  Lee"),
        "purpose": "court-ordered treatment verification",
        "signed_on": date(2026, 11, 1),
        "expires_on": date(2027, 11, 1),
    }
    return DisclosureConsent(**(fields | changes))


def test_a_consent_in_force_allows_disclosure_to_whom_it_names():
    assert may_disclose([consent()], "County Probation Office", TODAY)


@pytest.mark.parametrize("name", ["county probation office", "  COUNTY   Probation\toffice ", "dr lee"])
def test_names_match_whatever_their_case_and_spacing(name):
    assert may_disclose([consent()], name, TODAY)


@pytest.mark.parametrize("name", ["County Probation", "County Probation Office.", "Dr Lee MD", "", "   "])
def test_nothing_fuzzier_than_case_and_spacing_matches(name):
    assert not may_disclose([consent()], name, TODAY)


def test_a_consent_is_in_force_through_its_expiry_day_and_not_after():
    assert may_disclose([consent(expires_on=TODAY)], "Dr Lee", TODAY)
    assert not may_disclose([consent(expires_on=date(2026, 11, 30))], "Dr Lee", TODAY)


def test_a_revoked_consent_allows_nothing():
    granted = consent()
    assert not may_disclose([granted.revoked(NOW)], "Dr Lee", TODAY)
    # A revocation handled before the consent itself (a replay) still stands.
    assert not may_disclose([granted.recorded_again(granted.revoked(NOW))], "Dr Lee", TODAY)
    assert granted.revoked(NOW).revoked(datetime(2027, 1, 1, tzinfo=UTC)).revoked_at == NOW


def test_only_a_part2_disclosure_consent_counts():
    assert not may_disclose([consent(kind="treatment")], "Dr Lee", TODAY)


def test_the_latest_signed_consent_in_force_is_the_one_used():
    older, newer = consent(consent_id="old"), consent(consent_id="new", signed_on=date(2026, 11, 20))
    assert consent_in_force([newer, older, consent(consent_id="revoked").revoked(NOW)], "dr lee", TODAY) == newer


def test_without_part2_data_no_consent_is_needed_and_with_it_one_naming_the_recipient():
    assert authorise(False, None, [], TODAY) is None
    with pytest.raises(NotAllowed, match="name the recipient"):
        authorise(True, "  ", [consent()], TODAY)
    with pytest.raises(NotAllowed, match=NO_CONSENT):
        authorise(True, "Someone else", [consent()], TODAY)
    assert authorise(True, "dr lee", [consent()], TODAY) == consent()


def test_the_notice_is_the_regulations_wording_and_the_short_form_fits_a_header():
    assert REDISCLOSURE_NOTICE.startswith("This record which has been disclosed to you is protected by Federal")
    assert "42 CFR 2.31" in REDISCLOSURE_NOTICE
    assert REDISCLOSURE_NOTICE_SHORT == "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    assert REDISCLOSURE_NOTICE_SHORT.isascii() and len(REDISCLOSURE_NOTICE_SHORT) < 200


def test_a_disclosure_records_what_went_out_but_no_answer_or_score():
    measures = [
        Measure("m1", "client-1", "dast10", "1", 6, "moderate", True, NOW, answers=(True,) * 10),
        Measure("m2", "client-1", "phq9", "1", 14, "moderate", True, NOW),
        Measure("m3", "client-1", "phq9", "1", 9, "mild", False, NOW),
    ]
    record = disclosure_of("client-1", measures, ("dr-1", "clinician"), " Dr  Lee ", None, consent(), True, NOW)
    assert (record.recipient, record.purpose, record.consent_id) == ("Dr Lee", consent().purpose, "consent-1")
    assert (record.instruments, record.measures, record.notice_included) == (("dast10", "phq9"), 3, True)
    assert (record.disclosed_by, record.role, record.disclosed_at) == ("dr-1", "clinician", NOW)
    assert not {"answers", "total", "totals", "severity", "scores"} & set(vars(record))
    plain = disclosure_of("client-1", measures[1:], ("sup", "supervisor"), "GP", "referral", None, False, NOW)
    assert (plain.consent_id, plain.part2, plain.notice_included, plain.purpose) == (None, False, False, "referral")


@pytest.mark.parametrize(
    "purpose, allowed",
    [
        (None, True),  # none given: the consent's own
        ("  ", True),
        ("COURT-ORDERED  treatment verification", True),
        ("court-ordered treatment", False),
        ("employment screening", False),
    ],
)
def test_a_purpose_given_must_be_the_consents_whatever_its_case_and_spacing(purpose, allowed):
    found = consent_in_force([consent()], "Dr Lee", TODAY, purpose)
    assert (found is not None) is allowed


def test_a_consent_naming_no_purpose_covers_any():
    assert consent_in_force([consent(purpose=None)], "Dr Lee", TODAY, "employment screening") is not None


def test_refusal_says_whether_the_recipient_or_the_purpose_is_not_covered():
    with pytest.raises(NotAllowed, match="for another purpose"):
        authorise(True, "Dr Lee", [consent()], TODAY, "employment screening")
    with pytest.raises(NotAllowed, match="No consent in force names that recipient"):
        authorise(True, "Dr Who", [consent()], TODAY, "employment screening")
