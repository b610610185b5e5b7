"""Registration, consent, assessment and admission rules of the intake aggregate."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.intake.domain import events
from services.intake.domain.admission import Admission
from services.intake.domain.assessment import Assessment, LifeEvent, ProblemArea, ProblemAreas, Relationship
from services.intake.domain.client import Client, Contact, name_key
from services.intake.domain.consent import Consent
from shared.errors import Conflict, Invalid
from tests.unit.domain.conftest import NOW, registration


def violations(action) -> dict:
    with pytest.raises(Invalid) as error:
        action()
    return error.value.errors


def test_registration_raises_one_registered_event():
    client = Client.register(registration(), by="staff", now=NOW)
    [registered] = client.pending_events
    assert isinstance(registered, events.ClientRegistered) and client.status == "referred"
    assert (registered.client_id, registered.program, registered.registered_by) == (client.id, "co_occurring", "staff")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"date_of_birth": NOW.date() + timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": date(1890, 1, 1)}, "date_of_birth"),
        ({"preferred_channel": "sms", "contact": Contact(email="a@b.org")}, "contact.phone"),
        ({"preferred_channel": "email", "contact": Contact(phone="+15550100")}, "contact.email"),
        ({"sex_at_birth": "x"}, "sex_at_birth"),
        ({"program": "detox"}, "program"),
    ],
)
def test_registration_rules(changes, field):
    assert field in violations(lambda: Client.register(registration(**changes), by="s", now=NOW))


def test_name_key_ignores_case_accents_and_spacing():
    assert name_key("José ", "O'Neil") == name_key("jose", "ONeil")
    assert name_key("Ann", "Lee") != name_key("Lee", "Ann")


def consent(**changes) -> Consent:
    fields = dict(
        kind="part2_disclosure",
        signed_on=date(2026, 11, 20),
        signed_by="client",
        recorded_by="s",
        recorded_at=NOW,
        scope="attendance",
        recipients=["Probation office"],
        purpose="court order",
        expires_on=date(2027, 11, 20),
    )
    fields.update(changes)
    return Consent.new(**fields)


def test_part2_consent_needs_its_required_elements(client):
    errors = violations(lambda: client.record_consent(consent(scope=" ", recipients=[], purpose=None, expires_on=None)))
    assert set(errors) == {"scope", "recipients", "purpose", "expires_on"}


def test_part2_consent_only_for_substance_use_programs():
    mental_health = Client.register(registration(program="mental_health"), by="s", now=NOW)
    assert "kind" in violations(lambda: mental_health.record_consent(consent()))


def test_revoked_consent_is_no_longer_in_force_and_revokes_once(client):
    recorded = client.record_consent(
        consent(kind="treatment", scope=None, recipients=[], purpose=None, expires_on=None)
    )
    assert client.has_treatment_consent(NOW.date())
    client.revoke_consent(recorded.id, "s", NOW)
    assert not client.has_treatment_consent(NOW.date())
    with pytest.raises(Conflict):
        client.revoke_consent(recorded.id, "s", NOW)


def areas(primary="role_dispute", stage="impasse", secondary=None) -> ProblemAreas:
    return ProblemAreas(ProblemArea(primary, stage), ProblemArea(secondary) if secondary else None)


def test_problem_area_rules():
    assert "primary.stage" in areas(stage=None).check()
    assert "primary.stage" in areas(primary="grief", stage="impasse").check()
    assert "secondary.area" in areas(primary="grief", stage=None, secondary="grief").check()
    assert areas(secondary="role_transition").check() == {}


def test_assessment_needs_people_rated_one_to_five():
    errors = violations(
        lambda: Assessment(
            relationships=(Relationship("", "sister", 7),),
            life_events=(LifeEvent("move", NOW.date() + timedelta(days=3)),),
            problem_areas=areas(),
            assessed_by="s",
            assessed_at=NOW,
        )
    )
    assert set(errors) == {"relationships.0.closeness", "relationships.0.person", "life_events.0.when"}


def admission(**changes) -> Admission:
    fields = dict(
        track="individual",
        problem_areas=areas(),
        preferred_days=("tuesday",),
        preferred_times=("morning",),
        admitted_by="s",
        admitted_at=NOW,
    )
    fields.update(changes)
    return Admission(**fields)


def gaps_of(client, due=(), role="intake"):
    return client.admission_gaps(tuple(due), NOW.date(), role)


def with_treatment_consent(client):
    client.record_consent(consent(kind="treatment", scope=None, recipients=[], purpose=None, expires_on=None))
    return client


def test_admission_needs_treatment_consent_whatever_the_override(client):
    gaps = gaps_of(client)
    assert [(g.item, g.blocking) for g in gaps][0] == ("treatment_consent", True)
    assert "treatment_consent" in violations(lambda: client.admit(admission(), gaps, override_reason="urgent"))
    assert client.status == "referred"


def test_a_ready_client_is_admitted_once_with_no_override_on_record(client):
    with_treatment_consent(client).record_assessment(
        Assessment(
            relationships=(Relationship("sister", "sibling", 4),),
            life_events=(),
            problem_areas=areas(),
            assessed_by="s",
            assessed_at=NOW,
        )
    )
    assert gaps_of(client) == []
    admitted = client.admit(admission(), [])
    assert client.status == "admitted" and admitted.override is None
    assert isinstance(client.pending_events[-1], events.ClientAdmitted)
    with pytest.raises(Conflict):
        client.admit(admission(), [])


def test_gaps_that_do_not_block_need_a_reason_and_are_recorded(client):
    gaps = gaps_of(with_treatment_consent(client), due=("phq9", "gad7"))
    assert [(g.item, g.blocking) for g in gaps] == [("screenings_due", False), ("interpersonal_inventory", False)]
    assert "PHQ-9, GAD-7" in gaps[0].message
    errors = violations(lambda: client.admit(admission(), gaps, override_reason="  "))
    assert {"override", "screenings_due", "interpersonal_inventory"} <= set(errors)
    admitted = client.admit(admission(), gaps, override_reason="Screening at session 1")
    assert admitted.override.gaps == ("screenings_due", "interpersonal_inventory") and admitted.override.by == "s"
    # The inventory skipped at admission may still be recorded once.
    client.record_assessment(
        Assessment(
            relationships=(Relationship("sister", "sibling", 4),),
            life_events=(),
            problem_areas=areas(),
            assessed_by="s",
            assessed_at=NOW,
        )
    )
    assert client.assessment is not None


@pytest.mark.parametrize(
    "role, blocking", [("intake", True), ("admin", True), ("clinician", False), ("supervisor", False)]
)
def test_an_open_urgent_flag_needs_a_clinicians_review(client, role, blocking):
    with_treatment_consent(client).flag_risk("urgent", "s", NOW, None)
    [urgent] = [g for g in gaps_of(client, role=role) if g.item == "urgent_risk_flag"]
    assert urgent.blocking is blocking


def test_an_open_high_flag_may_be_overridden(client):
    with_treatment_consent(client).flag_risk("high", "s", NOW, None)
    assert ("high_risk_flag", False) in [(g.item, g.blocking) for g in gaps_of(client)]


def test_every_admission_problem_is_named_at_once(client):
    errors = violations(
        lambda: client.admit(
            replace(admission(), track="couples", preferred_days=("funday",), preferred_times=("noon",)),
            gaps_of(client, due=("phq9",)),
        )
    )
    assert {"track", "preferred_days", "preferred_times", "treatment_consent", "screenings_due", "override"} <= set(
        errors
    )


def test_interpersonal_deficits_can_be_switched_off_per_program(client):
    from services.intake.bootstrap import problem_area_policy

    policy = problem_area_policy({"DEFICITS_PROGRAMS": "mental_health"})
    assert policy.allowed("mental_health")[-1] == "interpersonal_deficits"
    assert "interpersonal_deficits" not in policy.allowed("co_occurring")
    deficits = Assessment(
        relationships=(Relationship("friend", "friend", 2),),
        life_events=(),
        problem_areas=areas(primary="interpersonal_deficits", stage=None),
        assessed_by="s",
        assessed_at=NOW,
    )
    assert "primary.area" in violations(lambda: client.record_assessment(deficits, policy))  # co_occurring
    client.record_assessment(deficits)  # the default policy allows it everywhere
    with pytest.raises(ValueError):
        problem_area_policy({"DEFICITS_PROGRAMS": "detox"})
