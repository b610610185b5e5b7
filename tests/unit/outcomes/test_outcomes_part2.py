"""FHIR export as a 42 CFR Part 2 disclosure, on fake storage with intake's consent events fed in:
grant, use, expire, revoke, the redisclosure notice, and the client's accounting of disclosures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from flask.testing import FlaskClient

from services.outcomes import bootstrap
from services.outcomes.adapters.disclosures import DisclosureLog
from services.outcomes.domain.disclosure import (
    OTHER_PURPOSE,
    RECIPIENT_REQUIRED,
    REDISCLOSURE_NOTICE,
    REDISCLOSURE_NOTICE_SHORT,
)
from services.outcomes.domain.fhir import REDISCLOSURE_EXTENSION
from tests.support import events
from tests.support import outcomes_fakes as fakes
from tests.support.outcomes_fakes import NOW, deliver

CLINICIAN = "dr-part2"
TODAY = NOW.date()
PROBATION = "County Probation Office"
PART2_CODES = {"R", "SUD", "42CFRPart2"}
DAST10 = {"instrument": "dast10", "answers": [True, False, True, False, False, False, False, False, False, False]}


def headers(role: str, sub: str = CLINICIAN) -> dict[str, str]:
    return fakes.headers(role, sub)


MINE = headers("clinician")


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    return bootstrap.fake_dependencies()


@pytest.fixture
def api(deps) -> FlaskClient:
    return fakes.app(deps)


def client_in(deps, program: str, client_id: str) -> str:
    return fakes.client_in(deps, program, client_id, CLINICIAN)


def grant(deps, client_id: str, consent_id: str = "consent-1", **changes) -> str:
    consent = {
        "consent_id": consent_id,
        "kind": "part2_disclosure",
        "recipients": [PROBATION],
        "signed_on": (TODAY - timedelta(days=10)).isoformat(),
        "expires_on": (TODAY + timedelta(days=365)).isoformat(),
    }
    deliver(deps, "intake.consent.recorded", client_id, **(consent | changes))
    return consent_id


def revoke(deps, client_id: str, consent_id: str = "consent-1", kind: str = "part2_disclosure") -> None:
    deliver(deps, "intake.consent.revoked", client_id, consent_id=consent_id, kind=kind, revoked_at=NOW.isoformat())


@pytest.fixture
def part2_client(api, deps) -> str:
    client_id = client_in(deps, "substance_use", "client-sud")
    assert api.post(f"/api/v1/clients/{client_id}/measures", json=DAST10, headers=MINE).status_code == 201
    return client_id


def export(api, client_id: str, hdrs=MINE, **query: str):
    return api.get(f"/api/v1/clients/{client_id}/fhir", headers=hdrs, query_string=query)


def disclosures(api, client_id: str, hdrs=MINE, **query) -> list[dict]:
    response = api.get(f"/api/v1/clients/{client_id}/disclosures", headers=hdrs, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def refused(response, message: str = "No consent in force names that recipient.") -> bool:
    return response.status_code == 403 and response.get_json()["message"] == message


def test_without_a_consent_part2_data_is_not_disclosed(api, deps, part2_client):
    assert refused(export(api, part2_client, recipient=PROBATION))
    assert refused(export(api, part2_client), RECIPIENT_REQUIRED)
    assert disclosures(api, part2_client) == []  # a refused attempt is no disclosure (it is on the audit trail)


def test_a_consent_naming_the_recipient_allows_the_export_with_the_notice_and_the_labels(api, deps, part2_client):
    consent_id = grant(deps, part2_client, purpose="Progress report")
    response = export(api, part2_client, recipient="  county probation   office", purpose="progress report")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["X-Redisclosure-Notice"] == REDISCLOSURE_NOTICE_SHORT
    bundle = json.loads(response.get_data())
    Bundle.model_validate(bundle)
    assert bundle["meta"]["extension"] == [{"url": REDISCLOSURE_EXTENSION, "valueString": REDISCLOSURE_NOTICE}]
    assert {label["code"] for label in bundle["meta"]["security"]} == PART2_CODES
    for entry in bundle["entry"]:
        assert {label["code"] for label in entry["resource"]["meta"]["security"]} == PART2_CODES
    [logged] = disclosures(api, part2_client)
    assert logged | {"id": "-", "disclosed_at": "-"} == {
        "id": "-",
        "client_id": part2_client,
        "disclosed_by": CLINICIAN,
        "role": "clinician",
        "recipient": "county probation office",
        "purpose": "progress report",
        "consent_id": consent_id,
        "part2": True,
        "instruments": ["dast10", "phq9"],
        "measures": 2,
        "notice_included": True,
        "disclosed_at": "-",
    }
    assert datetime.fromisoformat(logged["disclosed_at"]) >= NOW


def test_an_expired_consent_allows_nothing(api, deps, part2_client):
    grant(deps, part2_client, expires_on=(TODAY - timedelta(days=1)).isoformat())
    assert refused(export(api, part2_client, recipient=PROBATION))
    grant(deps, part2_client, consent_id="consent-2", expires_on=TODAY.isoformat())  # in force through its last day
    assert export(api, part2_client, recipient=PROBATION).status_code == 200


def test_a_revocation_stops_disclosure_as_soon_as_its_event_is_handled(api, deps, part2_client):
    grant(deps, part2_client)
    assert export(api, part2_client, recipient=PROBATION).status_code == 200
    revoke(deps, part2_client)
    assert refused(export(api, part2_client, recipient=PROBATION))
    grant(deps, part2_client)  # the consent's event again (a redelivery) does not undo the revocation
    assert refused(export(api, part2_client, recipient=PROBATION))
    assert len(disclosures(api, part2_client)) == 1


def test_a_revocation_handled_before_its_consent_still_stands(api, deps, part2_client):
    revoke(deps, part2_client, consent_id="consent-late")
    grant(deps, part2_client, consent_id="consent-late")
    assert refused(export(api, part2_client, recipient=PROBATION))


def test_a_consent_naming_someone_else_allows_nothing_for_this_recipient(api, deps, part2_client):
    grant(deps, part2_client, recipients=["Dr Lee"])
    assert refused(export(api, part2_client, recipient=PROBATION))
    assert refused(export(api, part2_client, recipient="County Probation"))
    grant(deps, "client-other", consent_id="consent-other")  # another client's consent names it
    assert refused(export(api, part2_client, recipient=PROBATION))


def test_a_disclosure_for_a_purpose_the_consent_does_not_name_is_refused(api, deps, part2_client):
    grant(deps, part2_client, purpose="Court-ordered treatment verification")
    other = export(api, part2_client, recipient=PROBATION, purpose="employment screening")
    assert refused(other, OTHER_PURPOSE)
    assert disclosures(api, part2_client) == []
    same = export(api, part2_client, recipient=PROBATION, purpose="  court-ordered   TREATMENT verification")
    assert same.status_code == 200
    assert export(api, part2_client, recipient=PROBATION).status_code == 200  # none given: the consent's own
    assert [d["purpose"] for d in disclosures(api, part2_client)] == [
        "Court-ordered treatment verification",  # newest first
        "court-ordered   TREATMENT verification",
    ]


def test_a_treatment_consent_or_its_revocation_is_not_kept(api, deps, part2_client):
    grant(deps, part2_client, consent_id="treatment-1", kind="treatment", recipients=[PROBATION])
    revoke(deps, part2_client, consent_id="treatment-1", kind="treatment")
    assert deps.repos.consents.for_client(part2_client) == []
    assert refused(export(api, part2_client, recipient=PROBATION))


def test_without_part2_data_the_export_needs_no_recipient_and_names_one_as_a_disclosure(api, deps):
    client_id = client_in(deps, "mental_health", "client-mh")
    plain = export(api, client_id)
    assert plain.status_code == 200 and "X-Redisclosure-Notice" not in plain.headers
    bundle = json.loads(plain.get_data())
    Bundle.model_validate(bundle)
    assert "meta" not in bundle
    assert disclosures(api, client_id) == []  # no recipient: the treating team's own use
    named = export(api, client_id, recipient="Dr Outside", purpose="second opinion")
    assert named.status_code == 200 and "X-Redisclosure-Notice" not in named.headers
    [logged] = disclosures(api, client_id)
    assert (logged["recipient"], logged["consent_id"], logged["part2"], logged["notice_included"]) == (
        "Dr Outside",
        None,
        False,
        False,
    )


def test_the_accounting_of_disclosures_is_for_those_who_see_the_clients_outcomes(api, deps, part2_client):
    grant(deps, part2_client)
    events.supervise(bootstrap, deps, CLINICIAN, "sup")  # the treating clinician's supervisor
    assert export(api, part2_client, headers("supervisor", "sup"), recipient=PROBATION).status_code == 200
    assert len(disclosures(api, part2_client, headers("admin", "adm"))) == 1
    assert disclosures(api, part2_client)[0]["disclosed_by"] == "sup"
    url = f"/api/v1/clients/{part2_client}/disclosures"
    assert api.get(url, headers=headers("clinician", "dr-other")).status_code == 404
    assert api.get(url, headers=headers("supervisor", "sup-other")).status_code == 404
    assert api.get(url, headers=headers("ops")).status_code == 403
    assert api.get(url, headers=headers("intake")).status_code == 403
    assert api.get("/api/v1/clients/nobody/disclosures", headers=headers("admin", "adm")).status_code == 404


def test_the_accounting_comes_a_page_at_a_time_newest_first(api, deps, part2_client):
    for purpose in ("first", "second", "third"):
        grant(deps, part2_client, consent_id=f"consent-{purpose}", purpose=purpose)
        assert export(api, part2_client, recipient=PROBATION, purpose=purpose).status_code == 200
    response = api.get(f"/api/v1/clients/{part2_client}/disclosures", headers=MINE, query_string={"page_size": 2})
    assert [d["purpose"] for d in response.get_json()] == ["third", "second"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


def test_the_disclosure_log_is_append_only_and_keeps_no_answers_or_scores(api, deps, part2_client):
    grant(deps, part2_client)
    assert export(api, part2_client, recipient=PROBATION).status_code == 200
    [stored] = deps.memory.collection("disclosures").values()
    assert set(stored) == {
        "_id",
        "client_id",
        "disclosed_by",
        "role",
        "recipient",
        "purpose",
        "consent_id",
        "part2",
        "instruments",
        "measures",
        "notice_included",
        "disclosed_at",
    }
    assert not {"put", "save", "update", "delete", "remove"} & {name for name in dir(DisclosureLog)}
