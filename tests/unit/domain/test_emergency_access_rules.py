"""The break-glass rules, pure: a grant is in force for its grantee and its client until it
expires; the object checks honour the pass of a read; a grant is reviewed once, by someone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.intake.domain import access as intake_access
from services.intake.domain.emergency_access import AccessGrant, grant_minutes
from services.notifications.domain import access as notifications_access
from services.notifications.domain.staff import CaseloadEntry
from services.outcomes.domain import access as outcomes_access
from services.sessions.domain import access as sessions_access
from shared.emergency_access import NO_PASS, EmergencyGrant, EmergencyPass, grant_in_force
from shared.errors import Conflict, Invalid, NotAllowed

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
GRANT = EmergencyGrant("grant-1", "client-1", "dr-b", NOW, NOW + timedelta(hours=1))


def test_a_grant_is_in_force_for_its_grantee_and_client_until_it_expires():
    assert grant_in_force([GRANT], "dr-b", "client-1", NOW + timedelta(minutes=59)) == GRANT
    assert grant_in_force([GRANT], "dr-b", "client-1", NOW + timedelta(hours=1)) is None
    assert grant_in_force([GRANT], "dr-b", "client-1", NOW - timedelta(seconds=1)) is None
    assert grant_in_force([GRANT], "dr-c", "client-1", NOW) is None
    assert grant_in_force([GRANT], "dr-b", "client-2", NOW) is None


def test_a_stored_naive_expiry_is_read_as_utc():
    naive = EmergencyGrant(
        "grant-2", "client-1", "dr-b", NOW.replace(tzinfo=None), GRANT.expires_at.replace(tzinfo=None)
    )
    assert grant_in_force([naive], "dr-b", "client-1", NOW) == naive


def read_pass(now: datetime = NOW, used: list | None = None) -> EmergencyPass:
    return EmergencyPass("dr-b", (GRANT,), now, (used if used is not None else []).append)


def test_the_pass_names_the_grant_that_opened_a_client():
    used: list[EmergencyGrant] = []
    assert read_pass(used=used).opens("client-1") and used == [GRANT]
    assert not read_pass(used=used).opens("client-2") and used == [GRANT]
    assert not read_pass(NOW + timedelta(hours=2)).opens("client-1")
    assert not NO_PASS.opens("client-1")  # a change carries no pass: a grant never opens one


@pytest.mark.parametrize(
    ("service", "check"),
    [
        (
            "intake",
            lambda viewer, client: intake_access.may_open(
                viewer, intake_access.ClientFacts("admitted", "dr-a", client_id=client)
            ),
        ),
        ("sessions", lambda viewer, client: sessions_access.may_see(viewer, "dr-a", client)),
        ("outcomes", lambda viewer, client: outcomes_access.may_see(viewer, ["dr-a"], client)),
        (
            "notifications",
            lambda viewer, client: notifications_access.may_see_client(
                viewer, client, CaseloadEntry(client, "episode-1", "dr-a", NOW)
            ),
        ),
    ],
)
def test_every_object_check_opens_the_granted_client_to_a_read_only(service, check):
    module = {"intake": intake_access, "sessions": sessions_access, "outcomes": outcomes_access}.get(
        service, notifications_access
    )
    reading = module.Viewer("dr-b", "clinician", emergency=read_pass())
    changing = module.Viewer("dr-b", "clinician")
    other = module.Viewer("dr-c", "clinician", emergency=EmergencyPass("dr-c", (GRANT,), NOW))
    expired = module.Viewer("dr-b", "clinician", emergency=read_pass(NOW + timedelta(hours=1)))
    assert check(reading, "client-1")
    assert not check(reading, "client-2")
    assert not check(changing, "client-1")
    assert not check(other, "client-1")
    assert not check(expired, "client-1")


def test_a_grant_lasts_the_set_minutes_and_keeps_its_reason_to_itself():
    grant = AccessGrant.grant("client-1", "dr-b", "  Crisis call at night  ", NOW, 90)
    assert grant.expires_at == NOW + timedelta(minutes=90) and grant.reason == "Crisis call at night"
    (event,) = grant.pending_events
    assert "reason" not in event.payload() and event.payload()["grant_id"] == grant.id
    with pytest.raises(Invalid):
        AccessGrant.grant("client-1", "dr-b", "   short   ", NOW, 60)


def test_a_grant_is_reviewed_once_and_never_by_its_grantee():
    grant = AccessGrant.grant("client-1", "dr-b", "Crisis call at night", NOW, 60)
    with pytest.raises(NotAllowed):
        grant.review("dr-b", "Mine", NOW)
    grant.review("lead-1", "Justified", NOW)
    assert (grant.reviewed_by, grant.reviewed_at, grant.review_note) == ("lead-1", NOW, "Justified")
    with pytest.raises(Conflict):
        grant.review("lead-2", "Again", NOW)


def test_the_length_of_a_grant_is_a_checked_setting():
    assert grant_minutes(None) == 60 and grant_minutes("240") == 240
    for wrong in ("0", "241"):
        with pytest.raises(ValueError, match="EMERGENCY_ACCESS_MINUTES"):
            grant_minutes(wrong)
