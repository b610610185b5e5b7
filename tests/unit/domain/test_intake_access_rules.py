"""Who may know of which client in intake: the rules, and the read models they stand on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.intake import handlers
from services.intake.bootstrap import fake_dependencies
from services.intake.domain.access import (
    ClientFacts,
    Scope,
    Viewer,
    identity_keys,
    in_scope,
    may_find_by_identity,
    may_open,
    scope_for,
)
from services.intake.domain.caseload import AlertReach, CaseloadEntry
from shared.errors import NotFound
from shared.roles import ROLES
from tests.support.events import assign_in_intake, deliver, supervise
from tests.unit.domain.conftest import NOW, registration

REFERRED = ClientFacts("referred")
ADMITTED_TO_A = ClientFacts("admitted", clinician_id="dr-a")


@pytest.mark.parametrize(
    "role, referred, admitted_to_a",
    [
        ("admin", True, True),
        ("supervisor", True, False),  # dr-a is not on their team
        ("intake", True, False),
        ("ops", False, False),
    ],
)
def test_each_role_opens_what_it_needs(role, referred, admitted_to_a):
    viewer = Viewer("someone", role)
    assert may_open(viewer, REFERRED) is referred
    assert may_open(viewer, ADMITTED_TO_A) is admitted_to_a


def test_a_clinician_opens_their_caseload_only():
    assert may_open(Viewer("dr-a", "clinician"), ADMITTED_TO_A)
    assert not may_open(Viewer("dr-b", "clinician"), ADMITTED_TO_A)
    assert not may_open(Viewer("dr-a", "clinician"), REFERRED)  # nobody's yet: not every clinician's
    assert not may_open(Viewer("dr-a", "clinician"), ClientFacts("admitted", clinician_id=None))


def test_a_supervisor_opens_their_teams_clients_their_own_and_those_nobody_treats():
    lead = Viewer("sup-1", "supervisor", team=frozenset({"dr-a"}))
    assert may_open(lead, ADMITTED_TO_A) and may_open(lead, REFERRED)
    assert may_open(lead, ClientFacts("admitted", clinician_id="sup-1"))  # a supervisor with a caseload
    assert may_open(lead, ClientFacts("admitted", clinician_id=None))  # admitted, waiting for a clinician
    assert may_open(lead, ClientFacts("admitted", former_clinician_id="dr-a"))  # the team's, course closed
    assert not may_open(lead, ClientFacts("admitted", former_clinician_id="dr-b"))  # another team's, closed
    assert not may_open(lead, ClientFacts("admitted", clinician_id="dr-b"))  # another team's
    assert not may_open(Viewer("sup-2", "supervisor", team=frozenset({"dr-b"})), ADMITTED_TO_A)


def test_a_supervisor_an_open_alert_reached_opens_another_teams_client():
    alerted = ClientFacts("admitted", clinician_id="dr-b", alerted=frozenset({"sup-1"}))
    assert may_open(Viewer("sup-1", "supervisor", team=frozenset({"dr-a"})), alerted)


def test_a_clinician_an_open_alert_reached_opens_the_client():
    alerted = ClientFacts("referred", alerted=frozenset({"dr-on-call"}))
    assert may_open(Viewer("dr-on-call", "clinician"), alerted)
    assert not may_open(Viewer("dr-b", "clinician"), alerted)


def test_an_id_that_happens_to_be_a_role_or_empty_opens_nothing():
    assert not may_open(Viewer("", "clinician"), ClientFacts("admitted", clinician_id=None))
    assert not may_open(Viewer("dr-a", "auditor"), REFERRED)


@pytest.mark.parametrize("role", ROLES)
def test_the_list_scope_agrees_with_opening_one_record(role):
    """What a repository filters in bulk is exactly what the gate allows one by one."""
    clients = {
        "c-referred": REFERRED,
        "c-mine": ADMITTED_TO_A,
        "c-theirs": ClientFacts("admitted", clinician_id="dr-b"),
        "c-alerted": ClientFacts("referred", alerted=frozenset({"dr-a"})),
        "c-closed": ClientFacts("admitted", clinician_id=None),
        "c-team": ClientFacts("admitted", clinician_id="dr-c"),
        "c-theirs-alerted": ClientFacts("admitted", clinician_id="dr-b", alerted=frozenset({"dr-a"})),
        "c-team-closed": ClientFacts("admitted", former_clinician_id="dr-c"),
        "c-theirs-closed": ClientFacts("admitted", former_clinician_id="dr-b"),
    }
    viewer = Viewer("dr-a", role, team=frozenset({"dr-c"}))
    own = {cid for cid, facts in clients.items() if facts.clinician_id == "dr-a" or "dr-a" in facts.alerted}
    last = {cid: facts.clinician_id or facts.former_clinician_id for cid, facts in clients.items()}
    others = {cid for cid, clinician in last.items() if clinician not in (None, "dr-a", "dr-c")}
    scope = scope_for(viewer, own, others)
    for client_id, facts in clients.items():
        assert in_scope(scope, client_id, facts) is may_open(viewer, facts), client_id


def test_scopes_name_whom_they_hold():
    assert scope_for(Viewer("x", "admin")) == Scope(everyone=True)
    assert scope_for(Viewer("x", "intake")) == Scope(not_admitted=True)
    assert scope_for(Viewer("x", "clinician"), {"c1"}) == Scope(ids=frozenset({"c1"}))
    assert scope_for(Viewer("x", "supervisor"), {"c1"}, {"c1", "c2"}) == Scope(
        everyone=True, withheld=frozenset({"c2"})
    )
    assert scope_for(Viewer("x", "ops")).nobody and scope_for(Viewer("x", "clinician")).nobody


def test_only_those_who_register_find_admitted_clients_by_identity():
    assert [role for role in ROLES if may_find_by_identity(Viewer("x", role))] == ["intake", "admin"]


def test_a_full_name_may_be_split_anywhere_and_written_family_first():
    assert identity_keys(["Mary", "Ann", "Smith"]) == [
        ("Mary", "Ann Smith"),
        ("Mary Ann", "Smith"),
        ("Ann Smith", "Mary"),
        ("Smith", "Mary Ann"),
    ]
    assert identity_keys(["Cher"]) == []


def test_older_caseload_news_never_replaces_newer():
    newer = CaseloadEntry("c1", "e1", "dr-b", NOW)
    assert CaseloadEntry("c1", "e1", "dr-a", NOW - timedelta(minutes=1)).replaces(newer) is False
    assert CaseloadEntry("c1", "e1", "dr-c", NOW).replaces(newer) and newer.replaces(None)


def test_an_alert_keeps_everyone_it_reached_until_it_is_resolved():
    reach = AlertReach("a1", "c1").reached("dr-a").reached("sup-lee").reached("dr-a").reached(None)
    assert reach.recipients == ("dr-a", "sup-lee") and reach.open
    assert not reach.resolved().open


# -- the read models from sessions' and notifications' events --------------------------------------
@pytest.fixture
def deps():
    return fake_dependencies()


def registered(deps) -> str:
    uow = deps.uow()
    return handlers.register_client(registration(), "staff", NOW, uow, deps.repos).id


def opens(deps, client_id: str, who: str, role: str = "clinician") -> bool:
    return handlers.may_open(Viewer(who, role), deps.repos.clients.get(client_id), deps.repos)


def test_the_caseload_follows_assignment_reassignment_and_closing(deps):
    from services.intake import bootstrap

    client_id = registered(deps)
    assert not opens(deps, client_id, "dr-a")
    assign_in_intake(deps, client_id, "dr-a", episode_id="e1")
    assert opens(deps, client_id, "dr-a") and not opens(deps, client_id, "dr-b")
    assign_in_intake(deps, client_id, "dr-b", episode_id="e1")
    assert opens(deps, client_id, "dr-b") and not opens(deps, client_id, "dr-a")
    deliver(bootstrap, deps, "sessions.episode.closed", client_id=client_id, episode_id="e0", clinician_id="dr-b")
    assert opens(deps, client_id, "dr-b")  # another (older) episode closing changes nothing
    deliver(bootstrap, deps, "sessions.episode.closed", client_id=client_id, episode_id="e1", clinician_id="dr-b")
    assert not opens(deps, client_id, "dr-b")
    assert deps.repos.access.clients_of("dr-b") == frozenset()


def test_an_assignment_delivered_twice_or_late_changes_nothing(deps):
    from services.intake import bootstrap

    client_id = registered(deps)
    late = deliver(bootstrap, deps, "sessions.episode.assigned", client_id=client_id, clinician_id="dr-a")
    assign_in_intake(deps, client_id, "dr-b")
    handler = bootstrap.event_handlers(deps)["sessions.episode.assigned"]
    stale = late.with_data(dict(late.data))
    handler(stale, stale.data, deps.uow(cause=stale))
    assert opens(deps, client_id, "dr-b") and not opens(deps, client_id, "dr-a")


def supervisor_opens(deps, client_id: str, who: str) -> bool:
    viewer = handlers.viewer_of(who, "supervisor", deps.repos)
    return handlers.may_open(viewer, deps.repos.clients.get(client_id), deps.repos)


def listed_for_supervisor(deps, who: str) -> set[str]:
    viewer = handlers.viewer_of(who, "supervisor", deps.repos)
    found, _total = handlers.search_clients("Sam", viewer, deps.repos)
    return {client.id for client in found}


def test_a_supervisor_follows_their_team_as_sessions_announces_it(deps):
    from services.intake import bootstrap

    client_id = registered(deps)
    assert supervisor_opens(deps, client_id, "sup-1") and supervisor_opens(deps, client_id, "sup-2")  # nobody's
    assign_in_intake(deps, client_id, "dr-a")
    assert not supervisor_opens(deps, client_id, "sup-1") and client_id not in listed_for_supervisor(deps, "sup-1")
    supervise(bootstrap, deps, "dr-a", "sup-1", changed_at=NOW)
    assert supervisor_opens(deps, client_id, "sup-1") and client_id in listed_for_supervisor(deps, "sup-1")
    assert not supervisor_opens(deps, client_id, "sup-2") and client_id not in listed_for_supervisor(deps, "sup-2")
    # dr-a moves to sup-2's team; the older news, delivered again late, changes nothing.
    supervise(bootstrap, deps, "dr-a", "sup-2", changed_at=NOW + timedelta(hours=1))
    supervise(bootstrap, deps, "dr-a", "sup-1", changed_at=NOW)
    assert supervisor_opens(deps, client_id, "sup-2") and not supervisor_opens(deps, client_id, "sup-1")
    assert deps.repos.supervision.team_of("sup-2") == {"dr-a"} and deps.repos.supervision.team_of("sup-1") == set()
    # The course closes: the client stays the team's of the clinician who treated them last.
    deliver(
        bootstrap, deps, "sessions.episode.closed", client_id=client_id, episode_id="episode-1", clinician_id="dr-a"
    )
    assert supervisor_opens(deps, client_id, "sup-2") and client_id in listed_for_supervisor(deps, "sup-2")
    assert not supervisor_opens(deps, client_id, "sup-1") and client_id not in listed_for_supervisor(deps, "sup-1")


def test_an_alert_opens_the_client_to_those_it_reached_until_the_flag_is_cleared(deps):
    from services.intake import bootstrap

    client_id = registered(deps)
    common = {"client_id": client_id, "alert_id": "alert-1"}
    deliver(bootstrap, deps, "notifications.alert.raised", **common, recipient_id="dr-on-call")
    deliver(bootstrap, deps, "notifications.alert.escalated", **common, recipient_id="sup-lee", escalation_level=1)
    deliver(bootstrap, deps, "notifications.alert.raised", client_id=client_id, alert_id="alert-2", recipient_id=None)
    assert opens(deps, client_id, "dr-on-call") and opens(deps, client_id, "sup-lee")
    assert not opens(deps, client_id, "dr-b")
    assert deps.repos.access.clients_of("dr-on-call") == {client_id}
    deliver(bootstrap, deps, "notifications.alert.resolved", **common, recipient_id="sup-lee", status="resolved")
    assert not opens(deps, client_id, "dr-on-call")
    # An escalation that arrives after the flag was cleared opens nothing again.
    deliver(bootstrap, deps, "notifications.alert.escalated", **common, recipient_id="dr-late")
    assert not opens(deps, client_id, "dr-late")


@pytest.mark.parametrize("role", ["clinician", "intake", "supervisor"])
def test_a_record_one_may_not_know_of_is_not_found_like_one_that_does_not_exist(deps, role):
    client_id = registered(deps)
    admitted = deps.repos.clients.get(client_id)
    admitted.status = "admitted"
    uow = deps.uow()
    deps.repos.clients.save(admitted, uow)
    uow.commit()
    viewer = Viewer("dr-b", role)
    for unknown in (client_id, "no-such-client"):
        if role == "supervisor" and unknown == client_id:
            assert handlers.ensure_visible(unknown, viewer, deps.repos).id == client_id
            continue
        with pytest.raises(NotFound) as refused:
            handlers.ensure_visible(unknown, viewer, deps.repos)
        assert str(refused.value) == f"client {unknown}"
