"""Outcomes narrows a supervisor to their own team, as sessions does: the team comes from sessions'
`sessions.clinician.supervisor_changed` events (the latest news per clinician wins), and every route
that names a client or an episode follows it. Clients nobody has taken on yet stay open to every
supervisor (they assign them)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from services.outcomes import bootstrap
from services.outcomes.domain.access import Viewer, may_see
from shared.emergency_access import EmergencyGrant, EmergencyPass
from tests.support import events
from tests.support import outcomes_fakes as fakes
from tests.support.outcomes_fakes import NOW

CLIENT, CLINICIAN = "client-team", "dr-team"
EPISODE = f"{CLIENT}-episode"  # as outcomes_fakes.client_in names it
OURS, THEIRS = "sup-ours", "sup-theirs"
MEASURE = {"instrument": "phq9", "answers": [2, 2, 1, 1, 1, 1, 1, 1, 0], "extras": {"difficulty": 1}}


def supervisor(sub: str) -> dict[str, str]:
    return fakes.headers("supervisor", sub)


def supervise(deps: bootstrap.Dependencies, clinician_id: str, supervisor_id: str | None, hours_ago: int = 0) -> None:
    """Sessions announces who supervises `clinician_id`, as of `hours_ago` hours before now."""
    events.supervise(bootstrap, deps, clinician_id, supervisor_id, changed_at=NOW - timedelta(hours=hours_ago))


@pytest.fixture
def deps() -> bootstrap.Dependencies:
    deps = bootstrap.fake_dependencies()
    fakes.client_in(deps, "mental_health", CLIENT, CLINICIAN)
    return deps


@pytest.fixture
def api(deps) -> FlaskClient:
    return fakes.app(deps)


def client_routes(api: FlaskClient) -> list[tuple[str, str]]:
    """Every outcomes route that names a client or an episode, with each method, from the app itself:
    a route added later is covered without touching these tests."""
    routes = sorted(
        (rule.rule, method)
        for rule in api.application.url_map.iter_rules()
        if rule.rule.startswith("/api/") and ("<client_id>" in rule.rule or "<episode_id>" in rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )
    # Guards against an enumeration that finds nothing (and so asserts nothing).
    assert {("/api/v1/clients/<client_id>/outcomes", "GET"), ("/api/v1/episodes/<episode_id>/outcomes", "GET")} <= set(
        routes
    )
    return routes


def status_by_route(api: FlaskClient, hdrs: dict[str, str], client_id: str = CLIENT, episode_id: str = EPISODE):
    """The status of each client and episode route for the caller (a measure sent to the POST)."""
    found = {}
    for rule, method in client_routes(api):
        url = rule.replace("<client_id>", client_id).replace("<episode_id>", episode_id)
        body = MEASURE if method == "POST" else None
        found[(method, rule)] = api.open(url, method=method, json=body, headers=hdrs).status_code
    return found


def reads(api: FlaskClient, sub: str, client_id: str = CLIENT) -> int:
    return api.get(f"/api/v1/clients/{client_id}/outcomes", headers=supervisor(sub)).status_code


# -- through the API ----------------------------------------------------------------------------
def test_the_supervisor_of_the_clients_clinician_reaches_the_client_by_every_route(api, deps):
    supervise(deps, CLINICIAN, OURS)
    statuses = status_by_route(api, supervisor(OURS))
    assert statuses and all(status in (200, 201) for status in statuses.values()), statuses


def test_a_supervisor_of_another_team_reaches_the_client_by_no_route(api, deps):
    supervise(deps, CLINICIAN, OURS)
    supervise(deps, "dr-elsewhere", THEIRS)  # a team of their own, without the client's clinician
    statuses = status_by_route(api, supervisor(THEIRS))
    assert statuses and set(statuses.values()) == {404}, statuses


def test_a_supervisor_without_any_team_reaches_an_assigned_client_by_no_route(api):
    statuses = status_by_route(api, supervisor("sup-new"))
    assert statuses and set(statuses.values()) == {404}, statuses


def test_a_client_nobody_has_taken_on_is_seen_by_any_supervisor(api, deps):
    supervise(deps, CLINICIAN, OURS)
    fakes.deliver(deps, "intake.client.registered", "client-waiting")  # no episode yet
    fakes.deliver(deps, "intake.client.registered", "client-pending")
    fakes.deliver(deps, "sessions.episode.opened", "client-pending", episode_id="episode-pending")  # unassigned
    assert reads(api, THEIRS, "client-waiting") == 200
    statuses = status_by_route(api, supervisor(THEIRS), "client-pending", "episode-pending")
    assert statuses and all(status in (200, 201) for status in statuses.values()), statuses


def test_moving_the_clinician_to_another_supervisor_moves_the_access(api, deps):
    supervise(deps, CLINICIAN, OURS, hours_ago=2)
    assert (reads(api, OURS), reads(api, THEIRS)) == (200, 404)
    supervise(deps, CLINICIAN, THEIRS, hours_ago=1)
    assert (reads(api, OURS), reads(api, THEIRS)) == (404, 200)
    supervise(deps, CLINICIAN, None)  # nobody supervises them now
    assert (reads(api, OURS), reads(api, THEIRS)) == (404, 404)


def test_an_older_redelivered_event_changes_nothing(api, deps):
    supervise(deps, CLINICIAN, OURS, hours_ago=2)
    supervise(deps, CLINICIAN, THEIRS, hours_ago=1)
    supervise(deps, CLINICIAN, OURS, hours_ago=2)  # the first news again, late
    supervise(deps, CLINICIAN, THEIRS, hours_ago=1)  # the latest news again
    assert (reads(api, OURS), reads(api, THEIRS)) == (404, 200)
    assert deps.repos.supervision.team_of(THEIRS) == frozenset({CLINICIAN})
    assert len(deps.memory.snapshot()["supervision"]) == 1


def test_a_supervisor_sees_the_work_they_took_on_themselves(api, deps):
    fakes.client_in(deps, "mental_health", "client-own", OURS)  # the supervisor is the treating clinician
    assert (reads(api, OURS, "client-own"), reads(api, THEIRS, "client-own")) == (200, 404)


# -- the rule itself ----------------------------------------------------------------------------
SUPERVISOR = Viewer(OURS, "supervisor", team=frozenset({CLINICIAN}))


@pytest.mark.parametrize(
    ("clinician_ids", "seen"),
    [
        ([], True),  # no episode yet: nobody's client, the supervisors assign them
        ([None], True),  # an episode nobody has taken on
        ([CLINICIAN], True),  # their team's
        ([OURS], True),  # their own
        (["dr-elsewhere"], False),  # another team's
        (["dr-elsewhere", CLINICIAN], True),  # a later episode with their team
    ],
)
def test_a_supervisor_sees_their_teams_clients_and_those_nobody_has_taken_on(clinician_ids, seen):
    assert may_see(SUPERVISOR, clinician_ids, CLIENT) is seen


def test_a_team_opens_nothing_to_a_clinician_and_admin_keeps_everything():
    clinician_with_a_team = Viewer("dr-a", "clinician", team=frozenset({"dr-b"}))
    assert not may_see(clinician_with_a_team, ["dr-b"], CLIENT)
    assert not may_see(clinician_with_a_team, [None], CLIENT)  # assigning is not a clinician's
    assert may_see(Viewer("dr-a", "clinician"), ["dr-a"], CLIENT)
    assert may_see(Viewer("adm", "admin"), ["dr-elsewhere"], CLIENT)
    assert not may_see(Viewer("ops", "ops"), [None], CLIENT)


def test_an_emergency_pass_still_opens_another_teams_client_to_a_supervisor():
    grant = EmergencyGrant("grant-1", CLIENT, OURS, NOW - timedelta(minutes=1), NOW + timedelta(hours=1))
    with_pass = Viewer(OURS, "supervisor", team=frozenset(), emergency=EmergencyPass(OURS, (grant,), NOW))
    assert may_see(with_pass, ["dr-elsewhere"], CLIENT)
    assert not may_see(with_pass, ["dr-elsewhere"], "client-other")
